/**
 * The rules service owns every reaction rule: which documents may be reacted to, what a valid
 * kind is, how a reaction is set, moved and cleared, and what a tally says. REST controllers,
 * GraphQL resolvers, the admin routes, the Document Service hook and scripts are adapters over
 * it; nothing here knows which transport a request came by. SQL lives in repositories/ (the
 * store service composes them); their StoreErrors become HTTP errors here.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { PublicTally, Tally } from '../../../shared/contract';
import { notPublished } from '../utils/errors';
import { getService } from '../utils/services';
import { findTarget, getKindKeys, getTargets, type Target } from '../utils/settings';
import { isDocumentId } from '../utils/validation';
import { redactReaderSecrets } from '../utils/redact-errors';
import type { Reader } from './readers';
import { StoreError, type RemovedReaction } from './store';

export type SetResult = { tally: Tally; created: boolean; changed: boolean; previousKind: string | null };
export type ClearResult = { tally: Tally; removed: boolean; previousKind: string | null };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => getService(strapi, 'store');
  const events = () => getService(strapi, 'events');

  const emptyTally = (documentId: string): Tally => ({
    documentId,
    total: 0,
    counts: Object.fromEntries(getKindKeys(strapi).map((kind) => [kind, 0])),
    mine: null,
    closed: false,
    kinds: getKindKeys(strapi),
  });

  /** Adds counter values to a tally; a retired kind's reactions stay stored but no longer count. */
  const addCounts = (tally: Tally, counts: Iterable<[string, number]>) => {
    const kinds = new Set(getKindKeys(strapi));
    for (const [kind, count] of counts) {
      if (!kinds.has(kind)) continue;
      tally.counts[kind] = count;
      tally.total += count;
    }
  };

  /** One document's stored counters, as [kind, count] pairs. */
  const storedCounts = async (targetUid: string, documentId: string): Promise<Array<[string, number]>> =>
    (await store().counters(targetUid, [documentId])).map((row): [string, number] => [row.kind, row.count]);

  const notFound = notPublished;

  const requireTarget = (uid: string): Target => {
    const target = findTarget(strapi, uid);
    if (!target) throw new errors.NotFoundError('Reactions are not enabled for this content type');
    return target;
  };

  /** An id that cannot name a document names none: 404, before anything else happens. */
  const requireDocumentId = (documentId: unknown, target?: Target): string => {
    if (!isDocumentId(documentId)) throw notFound(target);
    return documentId as string;
  };

  /** The target of a published document; 404 when the target, the id or the document is not one. */
  const requirePublished = async (targetUid: string, documentId: string): Promise<Target> => {
    const target = requireTarget(targetUid);
    requireDocumentId(documentId, target);
    const { published } = await store().versions(target, documentId);
    if (!published) throw notFound(target);
    return target;
  };

  const assertKind = (kind: string) => {
    const allowed = getKindKeys(strapi);
    if (!allowed.includes(kind)) throw new errors.ValidationError(`Unknown reaction kind "${String(kind).slice(0, 40)}"`, { allowed });
  };

  /** The store reports what went wrong without HTTP; this says it to the reader. */
  const httpErrorOf = (error: unknown, target: Target): unknown => {
    if (!(error instanceof StoreError)) return error;
    return error.code === 'not-published' ? notPublished(target) : new errors.ApplicationError(error.message);
  };

  /** A reader's database work; an unexpected error leaves without the reader's key or token. */
  const asReader = async <T>(reader: Reader, work: () => Promise<T>, target: Target): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw redactReaderSecrets(httpErrorOf(error, target), [reader.key, reader.issuedToken]);
    }
  };

  const publicTally = (tally: Tally): PublicTally => ({
    documentId: tally.documentId,
    total: tally.total,
    counts: tally.counts,
    closed: tally.closed,
    kinds: tally.kinds,
  });

  const rules = {
    assertKind,
    requireTarget,
    requireDocumentId,

    /** Tallies of many documents of one target: the counters, and the reader's own kinds. */
    async tallies(targetUid: string, documentIds: string[], reader: Reader | null = null): Promise<Map<string, Tally>> {
      const result = new Map<string, Tally>();
      const ids = [...new Set(documentIds.filter((id) => typeof id === 'string' && id.length > 0))];
      for (const id of ids) result.set(id, emptyTally(id));
      if (ids.length === 0) return result;
      const kinds = new Set(getKindKeys(strapi));
      for (const row of await store().counters(targetUid, ids)) {
        const tally = result.get(row.documentId);
        if (tally) addCounts(tally, [[row.kind, row.count]]);
      }
      // Editorial settings of the whole batch in one query (lists stay at a fixed query count).
      for (const [documentId, setting] of await getService(strapi, 'settings').forDocuments(targetUid, ids)) {
        Object.assign(result.get(documentId) as Tally, setting);
      }
      // A reader minted by this request has no reactions yet: no query needed.
      if (reader && !reader.isNew) {
        for (const [documentId, kind] of await store().readerKinds(targetUid, reader.key, ids)) {
          const tally = result.get(documentId);
          if (tally && kinds.has(kind)) tally.mine = kind;
        }
      }
      return result;
    },

    /** One published document's tally; 404 when the document is unknown or not published. */
    async tally(targetUid: string, documentId: string, reader: Reader | null = null): Promise<Tally> {
      const target = await requirePublished(targetUid, documentId);
      return (await rules.tallies(target.uid, [documentId], reader)).get(documentId) as Tally;
    },

    /** Tallies of published documents across every target, in the order asked; others are left out. */
    async talliesAcrossTargets(documentIds: string[], reader: Reader | null = null): Promise<Tally[]> {
      const unique = [...new Set(documentIds)];
      const byId = new Map<string, Tally>();
      for (const target of getTargets(strapi)) {
        const remaining = unique.filter((id) => !byId.has(id));
        if (remaining.length === 0) break;
        const published = await store().publishedIds(target.uid, remaining);
        for (const [id, tally] of await rules.tallies(target.uid, published, reader)) byId.set(id, tally);
      }
      return documentIds.filter((id) => byId.has(id)).map((id) => byId.get(id) as Tally);
    },

    /** The target whose published document has this id, or 404 (GraphQL addresses documents by id alone). */
    async findPublishedTarget(documentId: string): Promise<Target> {
      requireDocumentId(documentId);
      for (const target of getTargets(strapi)) {
        if ((await store().publishedIds(target.uid, [documentId])).length > 0) return target;
      }
      throw new errors.NotFoundError('No published document with this documentId accepts reactions');
    },

    /** Sets the reader's reaction: creates it, moves it to another kind, or leaves it as it is. */
    async set(targetUid: string, documentId: string, reader: Reader, kind: string): Promise<SetResult> {
      assertKind(kind);
      const target = requireTarget(targetUid);
      requireDocumentId(documentId, target);
      const setting = await getService(strapi, 'settings').assertWritable(target, documentId, kind);
      const outcome = await asReader(reader, () => store().set(target, documentId, reader, kind), target);
      // The reader's own kind is what was just written, and the setting was read above; the
      // counters are the ones this write left (the store reads them with it: answers and events
      // follow commit order, never a later or earlier state).
      const tally: Tally = { ...emptyTally(documentId), ...setting, mine: kind };
      addCounts(tally, outcome.counts);
      if (outcome.changed) {
        events().emit(outcome.created ? 'created' : 'updated', {
          target: target.uid,
          documentId,
          kind,
          previousKind: outcome.previousKind,
          tally: publicTally(tally),
        });
      }
      return { tally, created: outcome.created, changed: outcome.changed, previousKind: outcome.previousKind };
    },

    /** Removes the reader's reaction; succeeds also when there was none. */
    async clear(targetUid: string, documentId: string, reader: Reader): Promise<ClearResult> {
      const target = await requirePublished(targetUid, documentId);
      const setting = await getService(strapi, 'settings').assertWritable(target, documentId, null);
      const cleared = reader.isNew
        ? null
        : await asReader(reader, () => store().clear(target, documentId, reader.key, getTargets(strapi)), target);
      const previousKind = cleared?.previousKind ?? null;
      // After a clear the reader has no reaction, and the setting was read above; the counters are
      // the ones this write left (a reader minted now wrote nothing: the stored ones).
      const tally: Tally = { ...emptyTally(documentId), ...setting };
      addCounts(tally, cleared?.counts ?? (await storedCounts(target.uid, documentId)));
      if (previousKind !== null) {
        events().emit('deleted', { target: target.uid, documentId, kind: null, previousKind, tally: publicTally(tally) });
      }
      return { tally, removed: previousKind !== null, previousKind };
    },

    /** Moderation: deletes reactions by row id (from the admin panel), keeping counters exact. */
    async removeByIds(ids: number[]): Promise<number> {
      const removed = await store().removeByIds(ids, getTargets(strapi));
      for (const row of removed) rules.announceRemoval(row, (await rules.tallies(row.targetUid, [row.documentId])).get(row.documentId) as Tally);
      return removed.length;
    },

    /** The one `reaction.deleted` event of a reaction removed by anyone but its reader, with its document's tally after. */
    announceRemoval(row: RemovedReaction, tally: Tally) {
      events().emit('deleted', { target: row.targetUid, documentId: row.documentId, kind: null, previousKind: row.kind, tally: publicTally(tally) });
    },

    /** Forgets a document's reactions once it is deleted in every version. */
    async forgetDeletedDocument(targetUid: string, documentId: string): Promise<void> {
      if (!findTarget(strapi, targetUid)) return;
      if ((await store().countVersions(targetUid, documentId)) === 0) {
        await store().purgeDocument(targetUid, documentId, getTargets(strapi));
      }
    },
  };

  return rules;
};
