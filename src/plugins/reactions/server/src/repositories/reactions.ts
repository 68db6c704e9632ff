/**
 * The reactions table's writes: a reader's set and clear, moderation's removals, a deleted
 * document's purge. Each write is atomic and moves rows and counters together (in the same
 * transaction, or in one statement where the dialect has one).
 *
 * - One reaction per reader per target document is enforced by the database: a unique index on
 *   (target_type, target_document_id, reader_key) declared in the Reaction schema, so Strapi's
 *   schema sync owns it. Writes use INSERT ... ON CONFLICT DO NOTHING and look at what is there.
 * - A write answers the tally right after itself, in commit order: it reads the counters it
 *   changed as the write leaves them (how is the dialect's `writeDocumentCounters`).
 * - Writes go through Knex directly rather than the Document Service: a reaction is a small,
 *   hot row and the Document Service's extra queries per write would cap throughput.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { Reader } from '../services/readers';
import type { Target } from '../utils/settings';
import type { CountersRepository } from './counters';
import type { Dialect } from './dialects';
import type { DocumentsRepository } from './documents';
import { createDocumentId, StoreError, withReturning, type Read, type Row } from './sql';
import type { Tables } from './tables';
import type { ClearOutcome, RemovedReaction, SetOutcome } from './types';

type Dependencies = {
  strapi: Core.Strapi;
  tables: Tables;
  read: Read;
  dialect: () => Dialect;
  counters: CountersRepository;
  documents: DocumentsRepository;
  clockNow: () => Date;
};

export const createReactionsRepository = ({ strapi, tables, read, dialect, counters, documents, clockNow }: Dependencies) => {
  /** Link rows go explicitly: SQLite only cascades when foreign keys are on for that connection. */
  const unlink = async (trx: Knex.Transaction, targets: Target[], reactionIds: number[]) => {
    if (reactionIds.length === 0) return;
    const r = tables.reactions();
    for (const attribute of ['user', ...targets.map((t) => t.relationAttribute)]) {
      const join = r.joinTable(attribute);
      if (join) await trx(join.name).whereIn(join.joinColumn.name, reactionIds).del();
    }
  };

  /** Deletes the rows `query` chooses, their link rows and their counts, in `trx`: every removal but a reader's clear. */
  const removeRows = async (trx: Knex.Transaction, query: Knex.QueryBuilder, targets: Target[]): Promise<RemovedReaction[]> => {
    const r = tables.reactions();
    const rows = await withReturning(trx, query.del(), ['id', r.kind, r.targetType, r.targetDocumentId]);
    const removed = rows.map((row) => ({
      id: Number(row.id),
      targetUid: String(row[r.targetType]),
      documentId: String(row[r.targetDocumentId]),
      kind: String(row[r.kind]),
    }));
    await unlink(
      trx,
      targets,
      removed.map(({ id }) => id)
    );
    await counters.adjustCounters(
      trx,
      removed.map(({ targetUid, documentId, kind }) => ({ targetUid, documentId, kind, delta: -1 as const }))
    );
    return removed;
  };

  const lockReaders = (trx: Knex.Transaction, readerKeys: string[]) => dialect().lockReaders(trx, readerKeys);

  return {
    unlink,
    removeRows,
    lockReaders,

    /** The reader's own kinds on these documents. */
    async readerKinds(targetUid: string, readerKey: string, documentIds: string[]): Promise<Map<string, string>> {
      const r = tables.reactions();
      const rows: Row[] = await read((db) =>
        db(r.table)
          .select(`${r.targetDocumentId} as document_id`, `${r.kind} as kind`)
          .where({ [r.targetType]: targetUid, [r.readerKey]: readerKey })
          .whereIn(r.targetDocumentId, documentIds)
      );
      return new Map(rows.map((row) => [String(row.document_id), String(row.kind)]));
    },

    /**
     * Sets the reader's reaction in one transaction: insert, or move to another kind, or keep.
     * The publication check runs inside it, after its first write (which takes SQLite's write
     * lock): a concurrent delete of the document either comes first (StoreError 'not-published',
     * nothing kept) or waits for this write and then purges it.
     */
    async set(target: Target, documentId: string, reader: Reader, kind: string): Promise<SetOutcome> {
      const r = tables.reactions();
      const key = { [r.targetType]: target.uid, [r.targetDocumentId]: documentId, [r.readerKey]: reader.key };
      // Outside a caller's transaction a dialect may do it in one statement (PostgreSQL).
      const { setInOneStatement, forUpdate, writeDocumentCounters } = dialect();
      if (setInOneStatement && !strapi.db.inTransaction()) return setInOneStatement(target, documentId, reader, kind);
      return strapi.db.transaction(async ({ trx }) => {
        // A reader minted by this request is known to nobody else yet: no concurrent write to serialise.
        if (!reader.isNew) await lockReaders(trx, [reader.key]);
        let linkIds: number[] | null = null;
        // Without the lock (SQLite's write lock plays its part there) a concurrent DELETE could
        // remove the row between our INSERT and SELECT; then the loop tries again.
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const now = clockNow();
          const inserted: Row[] = await trx(r.table)
            .insert({
              ...key,
              [r.documentId]: createDocumentId(),
              [r.kind]: kind,
              [r.readerType]: reader.type,
              [r.createdAt]: now,
              [r.updatedAt]: now,
              [r.publishedAt]: now,
            })
            .onConflict([r.targetType, r.targetDocumentId, r.readerKey])
            .ignore()
            .returning(['id']);
          if (linkIds === null) {
            const versions = await documents.versions(target, documentId, trx);
            if (!versions.published) throw new StoreError('not-published', 'The document is not published');
            linkIds = versions.linkIds;
          }
          if (inserted.length > 0) {
            const reactionId = Number(inserted[0].id ?? inserted[0]);
            const targetJoin = r.joinTable(target.relationAttribute);
            if (targetJoin && linkIds.length > 0) {
              await trx(targetJoin.name).insert(
                linkIds.map((linkId) => ({ [targetJoin.joinColumn.name]: reactionId, [targetJoin.inverseJoinColumn.name]: linkId }))
              );
            }
            const userJoin = r.joinTable('user');
            if (userJoin && reader.userId !== null) {
              await trx(userJoin.name).insert({ [userJoin.joinColumn.name]: reactionId, [userJoin.inverseJoinColumn.name]: reader.userId });
            }
            const counts = await writeDocumentCounters(trx, target.uid, documentId, [[kind, 1]]);
            return { created: true, changed: true, previousKind: null, counts };
          }
          const existing = (await forUpdate(trx(r.table).select('id', `${r.kind} as kind`).where(key).first())) as Row | undefined;
          if (!existing) continue;
          const previousKind = String(existing.kind);
          if (previousKind === kind) {
            return { created: false, changed: false, previousKind, counts: await writeDocumentCounters(trx, target.uid, documentId, []) };
          }
          await trx(r.table).where('id', existing.id as number).update({ [r.kind]: kind, [r.updatedAt]: clockNow() });
          const counts = await writeDocumentCounters(trx, target.uid, documentId, [
            [previousKind, -1],
            [kind, 1],
          ]);
          return { created: false, changed: true, previousKind, counts };
        }
        throw new StoreError('contended', 'The reaction changed too often at once; try again');
      }) as unknown as Promise<SetOutcome>;
    },

    /**
     * Removes the reader's reaction on a document: the removed kind (null when there was none)
     * and the document's counters right after this write.
     */
    async clear(target: Target, documentId: string, readerKey: string, targets: Target[]): Promise<ClearOutcome> {
      const r = tables.reactions();
      return strapi.db.transaction(async ({ trx }) => {
        await lockReaders(trx, [readerKey]);
        const removed = await withReturning(
          trx,
          trx(r.table).where({ [r.targetType]: target.uid, [r.targetDocumentId]: documentId, [r.readerKey]: readerKey }).del(),
          ['id', r.kind]
        );
        // Nothing written: the counters as they stand (this reader's earlier writes included, after its lock).
        if (removed.length === 0) return { previousKind: null, counts: await counters.readCounts(trx, target.uid, documentId) };
        await unlink(trx, targets, [Number(removed[0].id)]);
        const kind = String(removed[0][r.kind]);
        return { previousKind: kind, counts: await dialect().writeDocumentCounters(trx, target.uid, documentId, [[kind, -1]]) };
      }) as unknown as Promise<ClearOutcome>;
    },

    /** Deletes reactions by row id (moderation), keeping counters exact. */
    async removeByIds(ids: number[], targets: Target[]): Promise<RemovedReaction[]> {
      if (ids.length === 0) return [];
      const r = tables.reactions();
      return strapi.db.transaction(async ({ trx }) => removeRows(trx, trx(r.table).whereIn('id', ids), targets)) as unknown as Promise<RemovedReaction[]>;
    },

    /** Forgets a deleted document's reactions and their links, inside the purge's transaction (counters go separately). */
    async deleteDocument(trx: Knex.Transaction, targetUid: string, documentId: string, targets: Target[]): Promise<void> {
      const r = tables.reactions();
      const removed = await withReturning(trx, trx(r.table).where({ [r.targetType]: targetUid, [r.targetDocumentId]: documentId }).del(), ['id']);
      await unlink(
        trx,
        targets,
        removed.map((row) => Number(row.id))
      );
    },
  };
};

export type ReactionsRepository = ReturnType<typeof createReactionsRepository>;
