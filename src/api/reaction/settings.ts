/**
 * Typed access to `config/reactions.ts`, the single source of reaction kinds and targets.
 */
import type { Core, UID } from '@strapi/strapi';

export type KindInfo = { kind: string; label: string; emoji: string };

export type ReactionSettings = {
  kinds: KindInfo[];
  targets: string[];
  anonymous: boolean;
  rateLimit: number;
  newReadersPerAddress: number;
  rateLimitRedisUrl: string;
  tokenSecret: string;
  embedTallies: boolean;
};

export type Target = {
  uid: UID.CollectionType;
  pluralName: string;
  singularName: string;
  displayName: string;
  graphqlTypeName: string;
  /** Name of the Reaction relation attribute pointing at this target, when the schema has one. */
  relationAttribute: string | null;
};

export const REACTION_UID = 'api::reaction.reaction' as const;
export const COUNTER_UID = 'api::reaction.reaction-counter' as const;

const KIND_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

export const getSettings = (strapi: Core.Strapi): ReactionSettings =>
  strapi.config.get('reactions') as ReactionSettings;

export const getKinds = (strapi: Core.Strapi): KindInfo[] => getSettings(strapi).kinds;

export const getKindKeys = (strapi: Core.Strapi): string[] => getKinds(strapi).map(({ kind }) => kind);

/** Fails start-up on a kind list that could not be a GraphQL enum or a JSON key. */
export const assertValidKinds = (kinds: KindInfo[]): void => {
  if (!Array.isArray(kinds) || kinds.length === 0) throw new Error('config/reactions.ts: `kinds` must list at least one kind');
  const seen = new Set<string>();
  for (const info of kinds) {
    if (!info || typeof info.kind !== 'string' || !KIND_PATTERN.test(info.kind)) {
      throw new Error(`config/reactions.ts: kind "${info?.kind}" must match ${KIND_PATTERN}`);
    }
    if (seen.has(info.kind)) throw new Error(`config/reactions.ts: kind "${info.kind}" is listed twice`);
    if (typeof info.label !== 'string' || typeof info.emoji !== 'string') {
      throw new Error(`config/reactions.ts: kind "${info.kind}" needs a label and an emoji`);
    }
    seen.add(info.kind);
  }
};

/** Whether the caller authenticated with an API token (trusted tools, e.g. previews), not as a reader. */
export const isApiTokenCaller = (state: { auth?: unknown } | undefined): boolean =>
  API_TOKEN_STRATEGIES.has(String((state?.auth as { strategy?: { name?: string } } | undefined)?.strategy?.name));

// Strapi 5.54 names the content API's token strategy 'content-api-token'; earlier 5.x 'api-token'.
const API_TOKEN_STRATEGIES = new Set(['content-api-token', 'api-token']);

// Targets are fixed once content types are loaded; built once per instance, not on every request.
const targetsByInstance = new WeakMap<Core.Strapi, Target[]>();

export const getTargets = (strapi: Core.Strapi): Target[] => {
  let targets = targetsByInstance.get(strapi);
  if (!targets) {
    targets = buildTargets(strapi);
    targetsByInstance.set(strapi, targets);
  }
  return targets;
};

const buildTargets = (strapi: Core.Strapi): Target[] => {
  const reaction = strapi.contentType(REACTION_UID);
  return getSettings(strapi).targets.map((uid) => {
    const contentType = strapi.contentTypes[uid as UID.ContentType];
    if (!contentType || contentType.kind !== 'collectionType') {
      throw new Error(`config/reactions.ts: target "${uid}" is not a collection type of this project`);
    }
    const relationAttribute =
      Object.entries(reaction.attributes).find(
        ([, attribute]) => attribute.type === 'relation' && (attribute as { target?: string }).target === uid
      )?.[0] ?? null;
    return {
      uid: uid as UID.CollectionType,
      pluralName: contentType.info.pluralName,
      singularName: contentType.info.singularName,
      displayName: contentType.info.displayName,
      graphqlTypeName: contentType.globalId,
      relationAttribute,
    };
  });
};

export const findTarget = (strapi: Core.Strapi, uid: string): Target | undefined =>
  getTargets(strapi).find((target) => target.uid === uid);
