/**
 * A reader's own reactions: listing them, erasing them, moving an anonymous reader's reactions
 * to an account (claim).
 *
 * Claim and concurrency: a claim moves rows from the anonymous reader key to the user's key.
 * - Every write of a reader holds that reader's lock (the dialect's `lockReaders`: on PostgreSQL
 *   an advisory lock per reader, whatever the number of documents). The claim takes the two
 *   readers' locks first, in the one global order (two claims cannot deadlock, and a write holds
 *   one reader lock at a time, so it cannot either), and neither reader writes anything until it
 *   commits: a reaction the token adds meanwhile comes after the claim and stays with the token.
 *   Rows then move in a few set-based statements; counters change in batches in the global
 *   counter order.
 * - SQLite: the transaction's first statement is a write (the DELETE), which takes the database's
 *   write lock, so the whole claim is serialised with every other write.
 * A moved row keeps its document and kind, so counters only change for dropped rows.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { Target } from '../utils/settings';
import type { Dialect } from './dialects';
import type { ReactionsRepository } from './reactions';
import { chunks, isoTime, withReturning, type Db, type Read, type Row } from './sql';
import type { Tables } from './tables';
import type { ClaimOutcome, OwnReactionsPage, OwnRemoved } from './types';

/** Link rows per insert (bindings stay far below SQLite's limit). */
const LINKS_PER_STATEMENT = 400;

export const createOwnReactionsRepository = (strapi: Core.Strapi, tables: Tables, read: Read, dialect: () => Dialect, reactions: ReactionsRepository) => ({
  /**
   * A reader's reactions, newest first (then by row id, so pages are stable), on published
   * documents of the given targets and of the given kinds only; `documentIds` narrows it.
   */
  async ownReactions(
    readerKey: string,
    { targets, kinds, documentIds, offset, limit }: { targets: Target[]; kinds: string[]; documentIds: string[] | null; offset: number; limit: number }
  ): Promise<OwnReactionsPage> {
    const r = tables.reactions();
    if (targets.length === 0 || kinds.length === 0 || (documentIds !== null && documentIds.length === 0)) return { rows: [], total: 0 };
    const scoped = (db: Db) => {
      const query = db(`${r.table} as r`).where(`r.${r.readerKey}`, readerKey).whereIn(`r.${r.kind}`, kinds);
      if (documentIds !== null) query.whereIn(`r.${r.targetDocumentId}`, documentIds);
      // Published documents only: a draft-only or deleted document is nobody's business.
      return query.where((published) => {
        for (const target of targets) {
          const { table, column } = tables.columnsOf(target.uid);
          published.orWhere((one) =>
            one.where(`r.${r.targetType}`, target.uid).whereExists((exists) =>
              exists
                .select(db.raw('1'))
                .from(`${table} as t`)
                .whereRaw('?? = ??', [`t.${column('documentId')}`, `r.${r.targetDocumentId}`])
                .whereNotNull(`t.${column('publishedAt')}`)
            )
          );
        }
      });
    };
    return read(async (db) => {
      const counted = (await scoped(db).count({ n: '*' }).first()) as Row | undefined;
      const total = Number(counted?.n ?? 0);
      if (total === 0 || offset >= total) return { rows: [], total };
      const rows: Row[] = await scoped(db)
        .select(`r.${r.targetType} as target`, `r.${r.targetDocumentId} as document_id`, `r.${r.kind} as kind`, `r.${r.updatedAt} as updated_at`)
        .orderBy([
          { column: `r.${r.updatedAt}`, order: 'desc' },
          { column: 'r.id', order: 'desc' },
        ])
        .offset(offset)
        .limit(limit);
      return {
        total,
        rows: rows.map((row) => ({
          targetUid: String(row.target),
          documentId: String(row.document_id),
          kind: String(row.kind),
          updatedAt: isoTime(row.updated_at),
        })),
      };
    });
  },

  /**
   * Erases every reaction of a reader in one transaction, counters included. The reader's lock
   * comes first (the reader's own writes wait), then the rows by id order, the order moderation
   * deletes take them in.
   */
  async removeReader(readerKey: string, targets: Target[]): Promise<OwnRemoved[]> {
    const r = tables.reactions();
    return strapi.db.transaction(async ({ trx }) => {
      await reactions.lockReaders(trx, [readerKey]);
      await dialect().lockRows(trx(r.table).where(r.readerKey, readerKey));
      return reactions.removeRows(trx, trx(r.table).where(r.readerKey, readerKey), targets);
    }) as unknown as Promise<OwnRemoved[]>;
  },

  /**
   * Moves the anonymous reader's reactions to the user's key. Where the user already reacted
   * to the same document, the user's reaction stays and the anonymous one is removed (dropped).
   */
  async claim(anonymousKey: string, user: { key: string; userId: number | null }, targets: Target[]): Promise<ClaimOutcome> {
    const r = tables.reactions();
    return strapi.db.transaction(async ({ trx }) => {
      await reactions.lockReaders(trx, [anonymousKey, user.key]);

      // The user's reaction wins where both reacted to the same document.
      const overlapping = trx(r.table)
        .where(r.readerKey, anonymousKey)
        .whereExists((exists: Knex.QueryBuilder) =>
          exists
            .select(trx.raw('1'))
            .from(`${r.table} as mine`)
            .where(`mine.${r.readerKey}`, user.key)
            .whereRaw('?? = ??', [`mine.${r.targetType}`, `${r.table}.${r.targetType}`])
            .whereRaw('?? = ??', [`mine.${r.targetDocumentId}`, `${r.table}.${r.targetDocumentId}`])
        );
      const dropped = await reactions.removeRows(trx, overlapping, targets);

      // Kept: its time stays the time the reader reacted (claiming is not reacting).
      const movedRows = await withReturning(trx, trx(r.table).where(r.readerKey, anonymousKey).update({ [r.readerKey]: user.key, [r.readerType]: 'user' }), ['id']);
      const userJoin = r.joinTable('user');
      if (userJoin && user.userId !== null) {
        for (const ids of chunks(movedRows.map((row) => Number(row.id)), LINKS_PER_STATEMENT)) {
          await trx(userJoin.name).insert(ids.map((id) => ({ [userJoin.joinColumn.name]: id, [userJoin.inverseJoinColumn.name]: user.userId })));
        }
      }
      return { moved: movedRows.length, dropped };
    }) as unknown as Promise<ClaimOutcome>;
  },
});
