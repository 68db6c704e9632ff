/**
 * The store's SQL for a reader's own reactions: listing them, erasing them, moving an anonymous
 * reader's reactions to an account (claim). Part of the store service (store.ts spreads these
 * methods in and hands over its helpers), kept in its own file because it is one concern.
 *
 * Claim and concurrency: a claim moves rows from the anonymous reader key to the user's key.
 * - PostgreSQL: every write of a reader holds that reader's advisory lock (store.ts
 *   `lockReaders`), one per reader whatever the number of documents. The claim takes the two
 *   readers' locks first, in ascending lock-id order (the one global order: two claims cannot
 *   deadlock, and a write holds one reader lock at a time, so it cannot either), and neither
 *   reader writes anything until it commits: a reaction the token adds meanwhile comes after the
 *   claim and stays with the token. Two locks, not two per document: a token with thousands of
 *   reactions would exhaust the shared lock table (max_locks_per_transaction). Rows then move in
 *   a few set-based statements; counters change in batches in the global counter order.
 * - SQLite: the transaction's first statement is a write (the DELETE), which takes the database's
 *   write lock, so the whole claim is serialised with every other write.
 * A moved row keeps its document and kind, so counters only change for dropped rows.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { Target } from '../utils/settings';

type Row = Record<string, unknown>;

type ReactionColumns = {
  table: string;
  joinTable: (attribute: string) => { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } } | undefined;
  documentId: string;
  kind: string;
  targetType: string;
  targetDocumentId: string;
  readerKey: string;
  readerType: string;
  updatedAt: string;
};

type CounterChange = { targetUid: string; documentId: string; kind: string; delta: number };

export type OwnershipHelpers = {
  strapi: Core.Strapi;
  isPostgres: () => boolean;
  read: <T>(query: (db: Knex | Knex.Transaction) => Promise<T>) => Promise<T>;
  columnsOf: (uid: string) => { table: string; column: (attribute: string) => string };
  reactions: () => ReactionColumns;
  adjustCounters: (trx: Knex.Transaction, changes: CounterChange[]) => Promise<void>;
  unlink: (trx: Knex.Transaction, targets: Target[], reactionIds: number[]) => Promise<void>;
  deleteReturning: (trx: Knex.Transaction, query: Knex.QueryBuilder, columns: string[]) => Promise<Row[]>;
  lockReaders: (trx: Knex.Transaction, readerKeys: string[]) => Promise<void>;
};

export type OwnReaction = { targetUid: string; documentId: string; kind: string; updatedAt: string };
export type OwnReactionsPage = { rows: OwnReaction[]; total: number };
export type OwnRemoved = { id: number; targetUid: string; documentId: string; kind: string };
export type ClaimOutcome = { moved: number; dropped: OwnRemoved[] };

/** Link rows per insert (bindings stay far below SQLite's limit). */
const LINKS_PER_STATEMENT = 400;

const chunks = <T>(items: T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
};

/** Timestamps come back as Date (PostgreSQL), epoch milliseconds or text (SQLite). */
const isoTime = (value: unknown): string => {
  const date = value instanceof Date ? value : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number));
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
};

/** UPDATE ... RETURNING as one statement on both databases (see deleteReturning in store.ts). */
const updateReturning = async (trx: Knex.Transaction, query: Knex.QueryBuilder, values: Row, columns: string[]): Promise<Row[]> => {
  const { sql, bindings } = query.update(values).toSQL();
  const returning = columns.map((column) => `"${column.replace(/"/g, '')}"`).join(', ');
  const result = await trx.raw(`${sql} returning ${returning}`, bindings as Knex.RawBinding[]);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
};

export const ownershipQueries = (helpers: OwnershipHelpers) => {
  const { strapi, isPostgres, read, columnsOf, reactions, adjustCounters, unlink, deleteReturning, lockReaders } = helpers;

  const toRemoved = (r: ReactionColumns, rows: Row[]): OwnRemoved[] =>
    rows.map((row) => ({
      id: Number(row.id),
      targetUid: String(row[r.targetType]),
      documentId: String(row[r.targetDocumentId]),
      kind: String(row[r.kind]),
    }));

  /** Deletes rows (already chosen by `query`), their link rows and their counts, in `trx`. */
  const removeRows = async (trx: Knex.Transaction, query: Knex.QueryBuilder, targets: Target[]): Promise<OwnRemoved[]> => {
    const r = reactions();
    const removed = toRemoved(r, await deleteReturning(trx, query, ['id', r.kind, r.targetType, r.targetDocumentId]));
    await unlink(
      trx,
      targets,
      removed.map(({ id }) => id)
    );
    await adjustCounters(
      trx,
      removed.map(({ targetUid, documentId, kind }) => ({ targetUid, documentId, kind, delta: -1 as const }))
    );
    return removed;
  };

  return {
    /**
     * A reader's reactions, newest first (then by row id, so pages are stable), on published
     * documents of the given targets and of the given kinds only; `documentIds` narrows it.
     */
    async ownReactions(
      readerKey: string,
      { targets, kinds, documentIds, offset, limit }: { targets: Target[]; kinds: string[]; documentIds: string[] | null; offset: number; limit: number }
    ): Promise<OwnReactionsPage> {
      const r = reactions();
      if (targets.length === 0 || kinds.length === 0 || (documentIds !== null && documentIds.length === 0)) return { rows: [], total: 0 };
      const scoped = (db: Knex | Knex.Transaction) => {
        const query = db(`${r.table} as r`).where(`r.${r.readerKey}`, readerKey).whereIn(`r.${r.kind}`, kinds);
        if (documentIds !== null) query.whereIn(`r.${r.targetDocumentId}`, documentIds);
        // Published documents only: a draft-only or deleted document is nobody's business.
        return query.where((published) => {
          for (const target of targets) {
            const { table, column } = columnsOf(target.uid);
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
     * Erases every reaction of a reader in one transaction, counters included. On PostgreSQL the
     * reader's lock comes first (the reader's own writes wait), then the rows by id order, the
     * order moderation deletes take them in.
     */
    async removeReader(readerKey: string, targets: Target[]): Promise<OwnRemoved[]> {
      const r = reactions();
      return strapi.db.transaction(async ({ trx }) => {
        await lockReaders(trx, [readerKey]);
        if (isPostgres()) await trx(r.table).select('id').where(r.readerKey, readerKey).orderBy('id').forUpdate();
        return removeRows(trx, trx(r.table).where(r.readerKey, readerKey), targets);
      }) as unknown as Promise<OwnRemoved[]>;
    },

    /**
     * Moves the anonymous reader's reactions to the user's key. Where the user already reacted
     * to the same document, the user's reaction stays and the anonymous one is removed (dropped).
     */
    async claim(anonymousKey: string, user: { key: string; userId: number | null }, targets: Target[]): Promise<ClaimOutcome> {
      const r = reactions();
      return strapi.db.transaction(async ({ trx }) => {
        await lockReaders(trx, [anonymousKey, user.key]);

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
        const dropped = await removeRows(trx, overlapping, targets);

        // Kept: its time stays the time the reader reacted (claiming is not reacting).
        const movedRows = await updateReturning(trx, trx(r.table).where(r.readerKey, anonymousKey), { [r.readerKey]: user.key, [r.readerType]: 'user' }, ['id']);
        const userJoin = r.joinTable('user');
        if (userJoin && user.userId !== null) {
          for (const ids of chunks(movedRows.map((row) => Number(row.id)), LINKS_PER_STATEMENT)) {
            await trx(userJoin.name).insert(ids.map((id) => ({ [userJoin.joinColumn.name]: id, [userJoin.inverseJoinColumn.name]: user.userId })));
          }
        }
        return { moved: movedRows.length, dropped };
      }) as unknown as Promise<ClaimOutcome>;
    },
  };
};
