/**
 * PostgreSQL: writers run concurrently, so order comes from locks and round trips are what a
 * write costs.
 * - One reader's writes are serialised by a transaction-scoped advisory lock per reader (a hash
 *   of the reader key), taken first. One lock per reader, not per document, so a claim takes two
 *   whatever the number of reactions (per-document locks exhaust max_locks_per_transaction).
 * - A reader's write upserts every configured kind's counter row of the document (delta 0 for
 *   the untouched ones) and returns them: the upsert waits for each row's lock and then sees its
 *   latest committed version, even of a row created after the statement began, so writes on one
 *   document are serialised and the answer is never a snapshot older than the write.
 * - A first reaction and a switch are each one statement (no BEGIN/COMMIT) that also reads the
 *   counters back, so a write answers its tally without another query.
 * - Counter rows are upserted in COLLATE "C" order, the code-unit order of every other write.
 */
import crypto from 'crypto';
import type { Dialect, DialectContext } from '.';
import type { Reader } from '../../services/readers';
import type { Target } from '../../utils/settings';
import { createDocumentId, StoreError, type Row } from '../sql';
import type { SetOutcome } from '../types';

/** The advisory lock that serialises one reader's writes, on every document. */
const readerLockId = (readerKey: string): bigint =>
  crypto.createHash('sha256').update(`reactions-reader\u0000${readerKey}`).digest().readBigInt64BE(0);

/** Held by one reconcile batch at a time, so two reconciles never add the same drift twice. */
const RECONCILE_LOCK_ID = crypto.createHash('sha256').update('reactions-reconcile').digest().readBigInt64BE(0);

/** The select-list column `counts` the one-statement writes end with: the rows their `cnt` upsert returned (`k`, `n`). */
const COUNTS_COLUMN = "(SELECT coalesce(json_object_agg(k, n), '{}'::json) FROM cnt) AS counts";
/** A relation `k(kind)` of these kinds, bound one parameter each. */
const kindValues = (kinds: string[]) => `(VALUES ${kinds.map(() => '(?::text)').join(', ')}) AS k(kind)`;
const countsFrom = (json: Record<string, unknown>) => new Map(Object.entries(json).map(([kind, count]) => [kind, Number(count)]));

export const createPostgresDialect = ({ strapi, tables, clockNow, writeKinds }: DialectContext): Dialect => {
  /**
   * A first reaction of this reader on this document in one statement: the publication check
   * with the document's rows held FOR SHARE, the row (nothing when the reader already has one:
   * the unique key decides), its links, and every configured kind's counter upserted in kind
   * order and returned as this write leaves them. The locale linked is the one published first,
   * as the documents repository's `versions` picks it.
   */
  const insertFirstReaction = async (target: Target, documentId: string, reader: Reader, kind: string) => {
    const r = tables.reactions();
    const c = tables.counters();
    const doc = tables.columnsOf(target.uid);
    const now = clockNow();
    const ctes: string[] = [];
    const bindings: unknown[] = [];
    const cte = (sql: string, ...values: unknown[]) => {
      ctes.push(sql);
      bindings.push(...values);
    };
    cte('v AS (SELECT ?? AS id, ?? AS published_at, ?? AS locale FROM ?? WHERE ?? = ? FOR SHARE)', 'id', doc.column('publishedAt'), doc.column('locale'), doc.table, doc.column('documentId'), documentId);
    // A known reader's write holds its reader lock, as a claim expects (repositories/own-reactions.ts);
    // selecting from `lk` makes the insert wait for it. A reader minted by this request needs none.
    if (!reader.isNew) cte('lk AS (SELECT pg_advisory_xact_lock(?::bigint) AS locked)', readerLockId(reader.key).toString());
    // Parameters in a SELECT list are text to PostgreSQL: timestamps are cast.
    cte(
      `ins AS (INSERT INTO ?? (??, ??, ??, ??, ??, ??, ??, ??, ??) SELECT ?, ?, ?, ?, ?, ?, ?::timestamp, ?::timestamp, ?::timestamp${reader.isNew ? '' : ' FROM lk'} ` +
        'WHERE EXISTS (SELECT 1 FROM v WHERE published_at IS NOT NULL) ON CONFLICT (??, ??, ??) DO NOTHING RETURNING id)',
      r.table,
      r.targetType, r.targetDocumentId, r.readerKey, r.documentId, r.kind, r.readerType, r.createdAt, r.updatedAt, r.publishedAt,
      target.uid, documentId, reader.key, createDocumentId(), kind, reader.type, now, now, now,
      r.targetType, r.targetDocumentId, r.readerKey
    );
    const targetJoin = r.joinTable(target.relationAttribute);
    if (targetJoin) {
      cte(
        'lnk AS (INSERT INTO ?? (??, ??) SELECT ins.id, v.id FROM ins, v ' +
          'WHERE v.locale IS NOT DISTINCT FROM (SELECT locale FROM v ORDER BY (published_at IS NULL), id LIMIT 1))',
        targetJoin.name, targetJoin.joinColumn.name, targetJoin.inverseJoinColumn.name
      );
    }
    const userJoin = r.joinTable('user');
    if (userJoin && reader.userId !== null) {
      cte('usr AS (INSERT INTO ?? (??, ??) SELECT ins.id, ?::integer FROM ins)', userJoin.name, userJoin.joinColumn.name, userJoin.inverseJoinColumn.name, reader.userId);
    }
    const kinds = writeKinds(kind);
    cte(
      `cnt AS (INSERT INTO ?? (??, ??, ??, ??) SELECT ?, ?, k.kind, CASE WHEN k.kind = ? THEN 1 ELSE 0 END FROM ins, ${kindValues(kinds)} ` +
        'ORDER BY k.kind COLLATE "C" ON CONFLICT (??, ??, ??) DO UPDATE SET ?? = ??.?? + EXCLUDED.?? RETURNING ?? AS k, ?? AS n)',
      c.table, c.targetType, c.targetDocumentId, c.kind, c.count, target.uid, documentId, kind, ...kinds,
      c.targetType, c.targetDocumentId, c.kind, c.count, c.table, c.count, c.count, c.kind, c.count
    );
    const result = await strapi.db.connection.raw(
      `WITH ${ctes.join(', ')} SELECT (SELECT count(*) FROM ins)::int AS inserted, ` +
        'EXISTS (SELECT 1 FROM v WHERE published_at IS NOT NULL) AS published, ' +
        COUNTS_COLUMN,
      bindings
    );
    const row = (result as { rows: Array<{ inserted: number; published: boolean; counts: Record<string, number> }> }).rows[0];
    return { inserted: row.inserted > 0, published: row.published, counts: countsFrom(row.counts) };
  };

  /**
   * Moves the reader's existing reaction to `kind` in one statement, holding the reader's lock
   * as every known reader's write does. The row is taken FOR UPDATE, so a concurrent change to
   * it is waited for and its outcome read; every configured kind's counter is upserted in kind
   * order (delta 0 but for the two that change, also when the kind is already `kind`) and
   * returned as this write leaves them. Null when the reader has no reaction on the document
   * (any more): the caller tries the insert again.
   */
  const switchReaction = async (target: Target, documentId: string, reader: Reader, kind: string): Promise<SetOutcome | null> => {
    const r = tables.reactions();
    const c = tables.counters();
    const kinds = writeKinds(kind);
    const result = await strapi.db.connection.raw(
      'WITH lk AS (SELECT pg_advisory_xact_lock(?::bigint) AS locked), ' +
        'old AS (SELECT rx.id, rx.?? AS kind FROM ?? AS rx, lk WHERE rx.?? = ? AND rx.?? = ? AND rx.?? = ? FOR UPDATE OF rx), ' +
        'upd AS (UPDATE ?? SET ?? = ?, ?? = ?::timestamp FROM old WHERE ??.id = old.id AND old.kind <> ? RETURNING old.kind AS previous), ' +
        `delta AS (SELECT k.kind, 0 AS d FROM old, ${kindValues(kinds)} UNION ALL SELECT previous::text, -1 FROM upd UNION ALL SELECT ?::text, 1 FROM upd), ` +
        'sums AS (SELECT kind, sum(d)::int AS d FROM delta GROUP BY kind), ' +
        'cnt AS (INSERT INTO ?? (??, ??, ??, ??) SELECT ?, ?, kind, d FROM sums ORDER BY kind COLLATE "C" ' +
        'ON CONFLICT (??, ??, ??) DO UPDATE SET ?? = ??.?? + EXCLUDED.?? RETURNING ?? AS k, ?? AS n) ' +
        `SELECT (SELECT kind FROM old) AS previous, (SELECT count(*) FROM upd)::int AS updated, ${COUNTS_COLUMN}`,
      [
        readerLockId(reader.key).toString(),
        r.kind, r.table, r.targetType, target.uid, r.targetDocumentId, documentId, r.readerKey, reader.key,
        r.table, r.kind, kind, r.updatedAt, clockNow(), r.table, kind,
        ...kinds, kind,
        c.table, c.targetType, c.targetDocumentId, c.kind, c.count, target.uid, documentId,
        c.targetType, c.targetDocumentId, c.kind, c.count, c.table, c.count, c.count, c.kind, c.count,
      ]
    );
    const row = (result as { rows: Array<{ previous: string | null; updated: number; counts: Record<string, number> }> }).rows[0];
    if (row.previous === null) return null;
    return { created: false, changed: row.updated > 0, previousKind: String(row.previous), counts: countsFrom(row.counts) };
  };

  return {
    // The readers' locks in ascending lock id (the one global order), in one statement.
    async lockReaders(trx, readerKeys) {
      if (readerKeys.length === 0) return;
      const ids = [...new Set(readerKeys.map((key) => readerLockId(key)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      // A VALUES list is scanned in the order written, so the locks are taken in that order.
      await trx.raw(`select pg_advisory_xact_lock(id) from (values ${ids.map(() => '(?::bigint)').join(', ')}) as ids(id)`, ids.map(String));
    },

    // Every configured kind's row, upserted in kind order and returned (see the header).
    async writeDocumentCounters(trx, targetUid, documentId, deltas) {
      const c = tables.counters();
      const byKind = new Map<string, number>();
      for (const [kind, delta] of deltas) byKind.set(kind, (byKind.get(kind) ?? 0) + delta);
      const rows: Row[] = await trx(c.table)
        .insert(
          writeKinds(...byKind.keys()).map((kind) => ({
            [c.targetType]: targetUid,
            [c.targetDocumentId]: documentId,
            [c.kind]: kind,
            [c.count]: byKind.get(kind) ?? 0,
          }))
        )
        .onConflict([c.targetType, c.targetDocumentId, c.kind])
        .merge({ [c.count]: trx.raw('??.?? + excluded.??', [c.table, c.count, c.count]) })
        .returning([c.kind, c.count]);
      return new Map(rows.map((row) => [String(row[c.kind]), Number(row[c.count])]));
    },

    // A first reaction in one statement, a switch in another; a reaction removed between the two
    // (a concurrent DELETE by the same reader) makes it try again.
    async setInOneStatement(target, documentId, reader, kind) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const first = await insertFirstReaction(target, documentId, reader, kind);
        if (first.inserted) return { created: true, changed: true, previousKind: null, counts: first.counts };
        if (!first.published) throw new StoreError('not-published', 'The document is not published');
        const switched = await switchReaction(target, documentId, reader, kind);
        if (switched) return switched;
      }
      throw new StoreError('contended', 'The reaction changed too often at once; try again');
    },

    forShare: (query) => query.forShare(),
    forUpdate: (query) => query.forUpdate(),
    async lockRows(query) {
      await query.select('id').orderBy('id').forUpdate();
    },
    async lockReconcile(trx) {
      await trx.raw('select pg_advisory_xact_lock(?::bigint)', [RECONCILE_LOCK_ID.toString()]);
    },
    bucket: (column, bucketMs) => `floor(extract(epoch from ${column}) * 1000 / ${Number(bucketMs)})`,
  };
};
