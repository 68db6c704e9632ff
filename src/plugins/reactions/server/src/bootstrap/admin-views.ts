/**
 * How the admin panel's Content Manager presents reactions, applied on every start:
 *
 * - Reaction targets (the plugin's `targets`) carry `pluginOptions.reactions.enabled`, which the
 *   admin's list view reads (as `layout.options`) to add its Reactions column. Content types that
 *   are no longer targets lose the flag, so config stays the single source.
 * - The Reaction collection never shows how a reader is recognised: `readerKey` (a keyed hash
 *   of the reader's token or user id) and the internal `targetType`/`targetDocumentId` are
 *   left out of the Content Manager's model (`visible: false`) and stripped from every admin
 *   API response (`config.attributes.<name>.hidden`, which the admin's output sanitizer honours).
 * - The Reaction views are owned by code: the list shows kind, the reacted-to document of each
 *   target (by its title), reader type and created time, newest first; every field is read-only
 *   (readers write reactions, editors only delete them). The admin panel also drops create/update
 *   rights on reactions (admin/src/read-only.ts) and the Document Service refuses such writes
 *   anyway (document-lifecycle.ts).
 */
import type { Core } from '@strapi/strapi';
import { REACTION_UID } from '../../../shared/contract';
import { getTargets, labelFieldOf } from '../utils/settings';

/** Internal fields that must never appear in the admin panel. */
export const REACTION_SECRET_FIELDS = ['readerKey', 'targetType', 'targetDocumentId'] as const;

/** A relation from Reaction to a target, as the views show it. */
export type TargetRelation = { name: string; label: string; mainField: string };

const BASE_LABELS: Record<string, string> = {
  kind: 'Kind',
  readerType: 'Reader type',
  user: 'Signed-in reader',
  createdAt: 'Created',
  updatedAt: 'Updated',
};

type Attribute = { type: string; visible?: boolean; [key: string]: unknown };
type MutableSchema = {
  uid: string;
  attributes: Record<string, Attribute>;
  pluginOptions?: Record<string, unknown>;
  config?: { attributes?: Record<string, { hidden?: boolean }> } & Record<string, unknown>;
};

type Metadata = { edit: Record<string, unknown>; list: Record<string, unknown> };
type EditRow = Array<{ name: string; size: number }>;
type Configuration = {
  settings: Record<string, unknown>;
  metadatas: Record<string, Metadata>;
  layouts: { list: string[]; edit: EditRow[] };
};

type ContentTypesService = {
  findContentType(uid: string): { uid: string } | undefined;
  findConfiguration(contentType: { uid: string }): Promise<Configuration & { uid: string }>;
  updateConfiguration(contentType: { uid: string }, configuration: Configuration): Promise<unknown>;
};

const schemaOf = (strapi: Core.Strapi, uid: string) => strapi.contentType(uid as never) as unknown as MutableSchema;

/** Flags reaction targets for the admin list column; clears a stale flag from any other type. */
export const markReactionTargets = (strapi: Core.Strapi) => {
  const targets = new Set<string>(getTargets(strapi).map((target) => target.uid));
  for (const uid of Object.keys(strapi.contentTypes)) {
    const schema = schemaOf(strapi, uid);
    const options = { ...(schema.pluginOptions ?? {}) };
    if (targets.has(uid)) options.reactions = { enabled: true };
    else if (!('reactions' in options)) continue;
    else delete options.reactions;
    schema.pluginOptions = options;
  }
};

/** Keeps the reader key and the internal target columns out of the Content Manager. */
export const hideReactionSecrets = (strapi: Core.Strapi) => {
  const schema = schemaOf(strapi, REACTION_UID);
  const config = schema.config ?? {};
  const hidden = { ...(config.attributes ?? {}) };
  for (const name of REACTION_SECRET_FIELDS) {
    const attribute = schema.attributes[name];
    if (!attribute) continue;
    attribute.visible = false;
    hidden[name] = { ...(hidden[name] ?? {}), hidden: true };
  }
  schema.config = { ...config, attributes: hidden };
};

const editRows = (names: string[], size = 6): EditRow[] => {
  const rows: EditRow[] = [];
  for (let i = 0; i < names.length; i += 2) rows.push(names.slice(i, i + 2).map((name) => ({ name, size })));
  return rows;
};

/** The Reaction collection's list and edit views. */
export const buildReactionConfiguration = (current: Configuration, attributeNames: string[], relations: TargetRelation[]): Configuration => {
  const secret = new Set<string>(REACTION_SECRET_FIELDS);
  const labels: Record<string, string> = { ...BASE_LABELS, ...Object.fromEntries(relations.map((r) => [r.name, r.label])) };
  // Each target relation shows the document's title field; the user relation the username.
  const mainFields: Record<string, string> = { user: 'username', ...Object.fromEntries(relations.map((r) => [r.name, r.mainField])) };
  const relationNames = relations.map((r) => r.name);
  const listColumns = ['kind', ...relationNames, 'readerType', 'createdAt'];
  const editFields = ['kind', 'readerType', ...relationNames];
  const metadatas: Record<string, Metadata> = {};
  for (const [name, metadata] of Object.entries(current.metadatas ?? {})) {
    const edit: Record<string, unknown> = { ...(metadata.edit ?? {}) };
    const list: Record<string, unknown> = { ...(metadata.list ?? {}) };
    if (labels[name]) {
      edit.label = labels[name];
      list.label = labels[name];
    }
    if (mainFields[name]) edit.mainField = mainFields[name];
    if (attributeNames.includes(name)) {
      // Read-only: readers write reactions, editors only delete them.
      edit.editable = false;
      // Only what the reaction is and where; who reacted stays out of sight (the reader type says enough).
      if (!editFields.includes(name)) edit.visible = false;
    }
    if (secret.has(name)) {
      list.searchable = false;
      list.sortable = false;
    }
    metadatas[name] = { edit, list };
  }
  const shown = editFields.filter((name) => attributeNames.includes(name));
  return {
    settings: {
      ...current.settings,
      mainField: 'kind',
      defaultSortBy: 'createdAt',
      defaultSortOrder: 'DESC',
      bulkable: true,
      filterable: true,
    },
    metadatas,
    layouts: {
      list: listColumns.filter((name) => attributeNames.includes(name)),
      edit: editRows(shown),
    },
  };
};

export const configureReactionViews = async (strapi: Core.Strapi) => {
  const service = strapi.plugin('content-manager')?.service('content-types') as ContentTypesService | undefined;
  const contentType = service?.findContentType(REACTION_UID);
  if (!service || !contentType) return;
  const current = await service.findConfiguration(contentType);
  const attributeNames = Object.keys(schemaOf(strapi, REACTION_UID).attributes);
  const relations = getTargets(strapi).map((target) => {
    const mainField = labelFieldOf(strapi, target.uid) ?? 'documentId';
    return { name: target.relationAttribute, label: target.displayName, mainField };
  });
  const wanted = buildReactionConfiguration(current, attributeNames, relations);
  const unchanged = JSON.stringify(wanted) === JSON.stringify({ settings: current.settings, metadatas: current.metadatas, layouts: current.layouts });
  // A start-up write only when the stored views differ (first start, or edited by hand).
  if (!unchanged) await service.updateConfiguration(contentType, wanted);
};

export const configureContentManager = async (strapi: Core.Strapi) => {
  markReactionTargets(strapi);
  hideReactionSecrets(strapi);
  await configureReactionViews(strapi);
};
