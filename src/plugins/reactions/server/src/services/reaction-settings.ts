/**
 * Editorial control per document (across its locales and versions, like reactions): editors may
 * close reactions (the tally stays readable; writes answer 403) and restrict the kinds offered
 * (a write of another kind answers 400 with `details.allowed`); `assertWritable` is where a closed
 * story refuses writes. SQL lives in repositories/settings.ts.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { notPublished } from '../utils/errors';
import { getService } from '../utils/services';
import { getKindKeys, type Target } from '../utils/settings';

/** A document's setting as tallies carry it: `kinds` in configured order, never empty. */
export type EditorialSetting = { closed: boolean; kinds: string[] };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => getService(strapi, 'store');

  /** Offered kinds in configured order; kinds retired from config drop out, and an empty result means all. */
  const offered = (kinds: string[] | null): string[] => {
    const all = getKindKeys(strapi);
    if (kinds === null) return all;
    const chosen = all.filter((kind) => kinds.includes(kind));
    return chosen.length > 0 ? chosen : all;
  };

  const settings = {
    /** Settings of many documents in one query; documents nobody configured are open to every kind. */
    async forDocuments(targetUid: string, documentIds: string[]): Promise<Map<string, EditorialSetting>> {
      const stored = await store().settings(targetUid, documentIds);
      const result = new Map<string, EditorialSetting>();
      for (const documentId of documentIds) {
        const row = stored.get(documentId);
        result.set(documentId, { closed: row?.closed ?? false, kinds: offered(row?.kinds ?? null) });
      }
      return result;
    },

    /** The document's setting; throws 403 when it is closed, 400 when `kind` (null for a removal) is not offered. */
    async assertWritable(target: Target, documentId: string, kind: string | null): Promise<EditorialSetting> {
      const setting = (await settings.forDocuments(target.uid, [documentId])).get(documentId) as EditorialSetting;
      if (!setting.closed && (kind === null || setting.kinds.includes(kind))) return setting;
      // An unpublished document stays a 404 for readers, whatever an editor set on it.
      if ((await store().publishedIds(target.uid, [documentId])).length === 0) {
        throw notPublished(target);
      }
      if (setting.closed) throw new errors.ForbiddenError('Reactions are closed on this document', { closed: true });
      throw new errors.ValidationError(`This document does not offer the kind "${kind}"`, { allowed: setting.kinds });
    },

    /** Validates `{ closed, kinds }` from an editor, stores it and emits `reaction.settings.updated`. */
    async update(target: Target, documentId: string, body: unknown): Promise<EditorialSetting> {
      const input = parseSettingBody(body, getKindKeys(strapi));
      if ((await store().countVersions(target.uid, documentId)) === 0) {
        throw new errors.NotFoundError(`No ${target.displayName.toLowerCase()} with this documentId`);
      }
      const all = getKindKeys(strapi);
      // Every kind offered is stored as "not restricted", so kinds added to config later are offered too.
      const kinds = input.kinds.length === all.length ? null : input.kinds;
      await store().saveSetting(target.uid, documentId, { closed: input.closed, kinds });
      const setting = { closed: input.closed, kinds: offered(kinds) };
      getService(strapi, 'events').emitSettings({ target: target.uid, documentId, ...setting });
      return setting;
    },
  };
  return settings;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ "data": { "closed": boolean, "kinds": [kind, ...] } }`: both required, kinds non-empty, configured. */
export const parseSettingBody = (body: unknown, allowed: string[]): { closed: boolean; kinds: string[] } => {
  const data = isPlainObject(body) ? body.data : undefined;
  if (!isPlainObject(body) || !isPlainObject(data)) {
    throw new errors.ValidationError('Send { "data": { "closed": boolean, "kinds": [kind, ...] } }', { allowed });
  }
  const unexpected = [
    ...Object.keys(body).filter((key) => key !== 'data'),
    ...Object.keys(data)
      .filter((key) => key !== 'closed' && key !== 'kinds')
      .map((key) => `data.${key}`),
  ];
  if (unexpected.length > 0) throw new errors.ValidationError('Only data.closed and data.kinds may be sent', { unexpected: unexpected.slice(0, 20) });
  if (typeof data.closed !== 'boolean') throw new errors.ValidationError('data.closed must be true or false', { field: 'closed' });
  const { kinds } = data;
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.length > allowed.length * 2) {
    throw new errors.ValidationError('data.kinds must list at least one configured kind', { allowed });
  }
  const unknown = kinds.filter((kind) => typeof kind !== 'string' || !allowed.includes(kind));
  if (unknown.length > 0) throw new errors.ValidationError('Unknown reaction kinds in data.kinds', { allowed });
  return { closed: data.closed, kinds: allowed.filter((kind) => (kinds as string[]).includes(kind)) };
};
