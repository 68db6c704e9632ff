/**
 * Typed access to the plugin's validated config, and the targets it names, resolved once per
 * instance against the project's content types.
 */
import type { Core, UID } from '@strapi/strapi';
import { PLUGIN_ID, REACTION_UID, type KindInfo } from '../../../shared/contract';
import { DEFAULT_KINDS, type ReactionsConfig } from '../config';

export type Settings = ReactionsConfig;

export type Target = {
  uid: UID.CollectionType;
  pluralName: string;
  singularName: string;
  displayName: string;
  graphqlTypeName: string;
  /** The Reaction relation attribute that links reactions to this target (added in register). */
  relationAttribute: string;
};

export const getSettings = (strapi: Core.Strapi): Settings => {
  const config = strapi.config.get(`plugin::${PLUGIN_ID}`) as Omit<Settings, 'kinds'> & { kinds?: KindInfo[] };
  return { ...config, kinds: config.kinds ?? DEFAULT_KINDS };
};

export const getKinds = (strapi: Core.Strapi): KindInfo[] => getSettings(strapi).kinds;

export const getKindKeys = (strapi: Core.Strapi): string[] => getKinds(strapi).map(({ kind }) => kind);

/** The public projection of the kinds, as REST, GraphQL and the admin panel give them. */
export const kindInfos = (strapi: Core.Strapi): KindInfo[] => getKinds(strapi).map(({ kind, label, emoji }) => ({ kind, label, emoji }));

// Strapi 5.54 names the content API's token strategy 'content-api-token'; earlier 5.x 'api-token'.
const API_TOKEN_STRATEGIES = new Set(['content-api-token', 'api-token']);

/** Whether the caller authenticated with an API token (trusted tools, e.g. previews), not as a reader. */
export const isApiTokenCaller = (state: { auth?: unknown } | undefined): boolean =>
  API_TOKEN_STRATEGIES.has(String((state?.auth as { strategy?: { name?: string } } | undefined)?.strategy?.name));

/** The Reaction attribute that links to a target: its singular name, e.g. `article`. */
export const relationAttributeOf = (singularName: string) => singularName.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Checks the configured targets against the project's content types; a bad one stops the start. */
export const resolveTargets = (strapi: Core.Strapi): Target[] =>
  getSettings(strapi).targets.map((uid, index) => {
    const contentType = strapi.contentTypes[uid as UID.ContentType];
    if (!contentType || contentType.kind !== 'collectionType') {
      throw new Error(`Error regarding reactions config: targets[${index}] "${uid}" is not a collection type of this project`);
    }
    if (uid === REACTION_UID || uid.startsWith(`plugin::${PLUGIN_ID}.`)) {
      throw new Error(`Error regarding reactions config: targets[${index}] "${uid}" is one of the plugin's own types`);
    }
    return {
      uid: uid as UID.CollectionType,
      pluralName: contentType.info.pluralName,
      singularName: contentType.info.singularName,
      displayName: contentType.info.displayName,
      graphqlTypeName: contentType.globalId,
      relationAttribute: relationAttributeOf(contentType.info.singularName),
    };
  });

// Targets are fixed once content types are loaded; built once per instance, not on every request.
const targetsByInstance = new WeakMap<Core.Strapi, Target[]>();

export const getTargets = (strapi: Core.Strapi): Target[] => {
  let targets = targetsByInstance.get(strapi);
  if (!targets) {
    targets = resolveTargets(strapi);
    targetsByInstance.set(strapi, targets);
  }
  return targets;
};

export const findTarget = (strapi: Core.Strapi, uid: string): Target | undefined => getTargets(strapi).find((t) => t.uid === uid);

/** Case-insensitive, as Strapi's router matches the rest of the path. */
export const findTargetByPluralName = (strapi: Core.Strapi, pluralName: string): Target | undefined =>
  getTargets(strapi).find((t) => t.pluralName === String(pluralName).toLowerCase());

/** The attribute that names a document of this type (`title`, `name` or `headline`), if it has one. */
export const labelFieldOf = (strapi: Core.Strapi, uid: string): string | null => {
  const attributes = strapi.contentType(uid as never).attributes as Record<string, { type?: string }>;
  return ['title', 'name', 'headline'].find((name) => attributes[name]?.type === 'string') ?? null;
};
