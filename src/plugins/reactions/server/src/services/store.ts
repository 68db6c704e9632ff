/**
 * The store: every SQL statement and dialect detail of the plugin, and nothing else. The rules
 * service decides what to do; the store does it exactly, each write atomic (one transaction, or
 * on PostgreSQL one statement for a reader's first reaction and for a switch).
 *
 * Storage decisions:
 * - One reaction per reader per target document is enforced by the database: a unique index on
 *   (target_type, target_document_id, reader_key) declared in the Reaction schema, so Strapi's
 *   schema sync owns it. Writes use INSERT ... ON CONFLICT DO NOTHING and look at what is there.
 * - Tallies are read from per-(document, kind) counters kept in the same transaction as the
 *   reaction rows. A GROUP BY over a covering index reads every reaction of the document, so a
 *   viral story's tally gets slower as it grows; counters read at most one row per kind,
 *   whatever the number of reactions, at the price of row locks per write (`npm run bench`
 *   measures both sides). `reconcile` recomputes counters from rows and repairs any drift.
 * - Counter rows are always locked in one order (target, document, then kind, each in code-unit
 *   order: JavaScript's `<`, and COLLATE "C" in PostgreSQL's own ORDER BY), so two writes on
 *   different kinds, or a claim and a write, cannot deadlock on PostgreSQL.
 * - A write answers the tally right after itself, in commit order: it reads the counters it
 *   changed as the write leaves them. On PostgreSQL a reader's write upserts every configured
 *   kind's counter row of the document (delta 0 for the untouched ones) and returns them: the
 *   upsert waits for each row's lock and then sees its latest committed version, even of a row
 *   created after the statement began, so writes on one document are serialised and the answer
 *   is never a snapshot older than the write. On SQLite the write lock serialises everything and
 *   the counters are read inside the write's transaction.
 * - Counter changes are deltas (`count + d`, inserting `d` when the row is missing), so any drift
 *   stays exactly as it was until `reconcile` adds it back; nothing clamps it out of sight.
 * - On SQLite each write transaction starts with a write statement, so it takes the write lock
 *   at once (waiting up to the busy timeout) and cannot fail with SQLITE_BUSY on upgrade.
 * - PostgreSQL serialises one reader's writes with a transaction-scoped advisory lock per reader
 *   (a hash of the reader key), taken first (SQLite's write lock already serialises writers). The
 *   one-statement writes take it in their first CTE; a reader minted by the request needs none.
 *   One lock per reader, not per document, so a claim takes two whatever the number of reactions
 *   (per-document locks exhaust max_locks_per_transaction).
 * - Round trips are what a PostgreSQL write costs: a first reaction or a switch is one statement
 *   that also reads the counters back, so a write answers its tally without another query.
 * - Writes go through Knex directly rather than the Document Service: a reaction is a small,
 *   hot row and the Document Service's extra queries per write would cap throughput.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { notPublished } from '../utils/errors';
import type { Knex } from 'knex';
import { COUNTER_UID, REACTION_UID, SETTING_UID } from '../../../shared/contract';
import { getKindKeys, type Target } from '../utils/settings';
import { ownershipQueries } from './ownership-queries';
import type { Reader } from './readers';
import { getService } from '../utils/services';

type Row = Record<string, unknown>;

export type CounterRow = { documentId: string; kind: string; count: number };
/** `counts`: the document's counters right after the write (API.md: answers in commit order). */
export type SetOutcome = { created: boolean; changed: boolean; previousKind: string | null; counts: Map<string, number> };
export type ClearOutcome = { previousKind: string | null; counts: Map<string, number> };
export type RemovedReaction = { id: number; targetUid: string; documentId: string; kind: string };
export type TrendQuery = { since: Date; until: Date; kinds: string[]; kind: string | null; limit: number };
export type SeriesRow = { start: number; kind: string; count: number };
export type TrendRow = { documentId: string; total: number; counts: Record<string, number> };
/** A document's editorial setting as stored: `kinds` null means every configured kind. */
export type StoredSetting = { closed: boolean; kinds: string[] | null };

/** A json column comes back parsed from PostgreSQL and as text from SQLite. */
const parseKinds = (value: unknown): string[] | null => {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed.map(String) : null;
};

export type Repair = { target: string; documentId: string; kind: string; counted: number; stored: number };

const DOCUMENT_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Strapi document ids are 24 lowercase alphanumerics; reactions get one so the Content Manager can address them.
const createDocumentId = (): string => {
  const bytes = crypto.randomBytes(24);
  let id = DOCUMENT_ID_ALPHABET[bytes[0] % 26];
  for (let i = 1; i < 24; i += 1) id += DOCUMENT_ID_ALPHABET[bytes[i] % 36];
  return id;
};

/**
 * DELETE ... RETURNING as one statement on both databases (Knex's `.returning()` on delete
 * yields only a count with better-sqlite3), so the delete stays the transaction's first write.
 */
const deleteReturning = async (trx: Knex.Transaction, query: Knex.QueryBuilder, columns: string[]): Promise<Row[]> => {
  const { sql, bindings } = query.del().toSQL();
  const returning = columns.map((column) => `"${column.replace(/"/g, '')}"`).join(', ');
  const result = await trx.raw(`${sql} returning ${returning}`, bindings as Knex.RawBinding[]);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
};

/** The PostgreSQL advisory lock that serialises one reader's writes, on every document. */
const readerLockId = (readerKey: string): bigint =>
  crypto.createHash('sha256').update(`reactions-reader\u0000${readerKey}`).digest().readBigInt64BE(0);

/** Held by one reconcile batch at a time, so two reconciles never add the same drift twice. */
const RECONCILE_LOCK_ID = crypto.createHash('sha256').update('reactions-reconcile').digest().readBigInt64BE(0);

/** Code-unit order, the one order of kinds (and of targets and documents) every write locks counters in. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Counter rows per upsert statement: 4 bindings each, far below SQLite's bound-parameter limit. */
const COUNTER_ROWS_PER_STATEMENT = 200;

const chunks = <T>(items: T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
};

export type CounterChange = { targetUid: string; documentId: string; kind: string; delta: number };
export type ReconcileOptions = {
  repair?: boolean;
  /** Documents per batch (one short transaction each). */
  batchSize?: number;
  /** Called after each batch commits: progress for a CLI, and a point where writes go on. */
  onBatch?: (progress: { documents: number; repairs: number }) => Promise<void> | void;
};

type JoinTable = { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const isPostgres = () => strapi.db.dialect.client === 'postgres';
  // Reactions are stamped by the plugin's clock, so tests can place them in time (trends).
  const clockNow = () => getService(strapi, 'clock').now();

  /** Reads join a surrounding transaction (e.g. the Content Manager's bulk delete); on SQLite's single connection a separate read would wait forever. */
  const read = <T>(query: (db: Knex | Knex.Transaction) => Promise<T>): Promise<T> =>
    strapi.db.inTransaction()
      ? (strapi.db.transaction(({ trx }) => query(trx)) as unknown as Promise<T>)
      : query(strapi.db.connection);

  const columnsOf = (uid: string) => {
    const meta = strapi.db.metadata.get(uid);
    const column = (attribute: string) =>
      (meta.attributes[attribute] as { columnName?: string } | undefined)?.columnName ?? attribute;
    const joinTable = (attribute: string) => (meta.attributes[attribute] as { joinTable?: JoinTable } | undefined)?.joinTable;
    return { table: meta.tableName, column, joinTable };
  };

  const reactions = () => {
    const { table, column, joinTable } = columnsOf(REACTION_UID);
    return {
      table,
      joinTable,
      documentId: column('documentId'),
      kind: column('kind'),
      targetType: column('targetType'),
      targetDocumentId: column('targetDocumentId'),
      readerKey: column('readerKey'),
      readerType: column('readerType'),
      createdAt: column('createdAt'),
      updatedAt: column('updatedAt'),
      publishedAt: column('publishedAt'),
    };
  };

  const settingsTable = () => {
    const { table, column } = columnsOf(SETTING_UID);
    return {
      table,
      documentId: column('documentId'),
      targetType: column('targetType'),
      targetDocumentId: column('targetDocumentId'),
      closed: column('closed'),
      kinds: column('kinds'),
      createdAt: column('createdAt'),
      updatedAt: column('updatedAt'),
    };
  };

  const counters = () => {
    const { table, column } = columnsOf(COUNTER_UID);
    return { table, targetType: column('targetType'), targetDocumentId: column('targetDocumentId'), kind: column('kind'), count: column('count') };
  };

  /**
   * Adds deltas to counters, summed per row and applied in the global lock order (target,
   * document, kind in code units), in batched upserts: a bulk removal or a claim over thousands
   * of documents is a few statements, and can never deadlock with a write.
   */
  const adjustCounters = async (trx: Knex.Transaction, changes: CounterChange[]) => {
    const c = counters();
    const sums = new Map<string, CounterChange>();
    for (const change of changes) {
      const key = `${change.targetUid}\u0000${change.documentId}\u0000${change.kind}`;
      const sum = sums.get(key);
      if (sum) sum.delta += change.delta;
      else sums.set(key, { ...change });
    }
    const ordered = [...sums.values()]
      .filter(({ delta }) => delta !== 0)
      .sort((a, b) => byCodeUnits(a.targetUid, b.targetUid) || byCodeUnits(a.documentId, b.documentId) || byCodeUnits(a.kind, b.kind));
    for (const batch of chunks(ordered, COUNTER_ROWS_PER_STATEMENT)) {
      await trx(c.table)
        .insert(batch.map(({ targetUid, documentId, kind, delta }) => ({ [c.targetType]: targetUid, [c.targetDocumentId]: documentId, [c.kind]: kind, [c.count]: delta })))
        .onConflict([c.targetType, c.targetDocumentId, c.kind])
        .merge({ [c.count]: trx.raw('??.?? + excluded.??', [c.table, c.count, c.count]) });
    }
  };

  /** A document's counters as [kind, count], read with `db` (inside a write: as that write leaves them). */
  const readCounts = async (db: Knex | Knex.Transaction, targetUid: string, documentId: string): Promise<Map<string, number>> => {
    const c = counters();
    const rows: Row[] = await db(c.table)
      .select(`${c.kind} as kind`, `${c.count} as count`)
      .where({ [c.targetType]: targetUid, [c.targetDocumentId]: documentId });
    return new Map(rows.map((row) => [String(row.kind), Number(row.count)]));
  };

  /** Every configured kind and these, in code-unit order: the counter rows a write on a document takes. */
  const writeKinds = (...kinds: string[]) => [...new Set([...getKindKeys(strapi), ...kinds])].sort(byCodeUnits);

  /**
   * One reader's write on one document inside `trx`: applies `deltas` and returns the document's
   * counters right after it. On PostgreSQL every configured kind's row is upserted in kind order
   * and returned (see the header: this serialises writes on the document and reads each row's
   * latest version); on SQLite the transaction holds the write lock, so a read is exact.
   */
  const writeDocumentCounters = async (
    trx: Knex.Transaction,
    targetUid: string,
    documentId: string,
    deltas: Array<[string, number]>
  ): Promise<Map<string, number>> => {
    if (!isPostgres()) {
      await adjustCounters(trx, deltas.map(([kind, delta]) => ({ targetUid, documentId, kind, delta })));
      return readCounts(trx, targetUid, documentId);
    }
    const c = counters();
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
  };

  /** PostgreSQL: the readers' advisory locks, in ascending lock id (the one global order), in one statement. */
  const lockReaders = async (trx: Knex.Transaction, readerKeys: string[]) => {
    if (!isPostgres() || readerKeys.length === 0) return;
    const ids = [...new Set(readerKeys.map((key) => readerLockId(key)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // A VALUES list is scanned in the order written, so the locks are taken in that order.
    await trx.raw(`select pg_advisory_xact_lock(id) from (values ${ids.map(() => '(?::bigint)').join(', ')}) as ids(id)`, ids.map(String));
  };

  /** Link rows go explicitly: SQLite only cascades when foreign keys are on for that connection. */
  const unlink = async (trx: Knex.Transaction, targets: Target[], reactionIds: number[]) => {
    if (reactionIds.length === 0) return;
    const r = reactions();
    for (const attribute of ['user', ...targets.map((t) => t.relationAttribute)]) {
      const join = r.joinTable(attribute);
      if (join) await trx(join.name).whereIn(join.joinColumn.name, reactionIds).del();
    }
  };

  /**
   * PostgreSQL: the select-list column `counts` the one-statement writes end with: the counter
   * rows their `cnt` upsert returned (`k`, `n`), as this write leaves them.
   */
  const COUNTS_COLUMN = "(SELECT coalesce(json_object_agg(k, n), '{}'::json) FROM cnt) AS counts";
  /** PostgreSQL: a relation `k(kind)` of these kinds, bound one parameter each. */
  const kindValues = (kinds: string[]) => `(VALUES ${kinds.map(() => '(?::text)').join(', ')}) AS k(kind)`;
  const countsFrom = (json: Record<string, unknown>) => new Map(Object.entries(json).map(([kind, count]) => [kind, Number(count)]));

  /**
   * PostgreSQL: a first reaction of this reader on this document in one statement (one round
   * trip, no BEGIN/COMMIT): the publication check with the document's rows held FOR SHARE, the
   * row (nothing when the reader already has one: the unique key decides), its links, and every
   * configured kind's counter upserted in kind order and returned as this write leaves them (the
   * header says why). The locale linked is the one published first, as `versions` picks it.
   */
  const insertFirstReaction = async (target: Target, documentId: string, reader: Reader, kind: string) => {
    const r = reactions();
    const c = counters();
    const doc = columnsOf(target.uid);
    const now = clockNow();
    const ctes: string[] = [];
    const bindings: unknown[] = [];
    const cte = (sql: string, ...values: unknown[]) => {
      ctes.push(sql);
      bindings.push(...values);
    };
    cte('v AS (SELECT ?? AS id, ?? AS published_at, ?? AS locale FROM ?? WHERE ?? = ? FOR SHARE)', 'id', doc.column('publishedAt'), doc.column('locale'), doc.table, doc.column('documentId'), documentId);
    // A known reader's write holds its reader lock, as a claim expects (ownership-queries.ts);
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
   * PostgreSQL: moves the reader's existing reaction to `kind` in one statement, holding the
   * reader's lock as every known reader's write does. The row is taken FOR UPDATE, so a
   * concurrent change to it is waited for and its outcome read; every configured kind's counter
   * is upserted in kind order (delta 0 but for the two that change, also when the kind is
   * already `kind`) and returned as this write leaves them. Null when the reader has no reaction
   * on the document (any more): the caller tries the insert again.
   */
  const switchReaction = async (target: Target, documentId: string, reader: Reader, kind: string): Promise<SetOutcome | null> => {
    const r = reactions();
    const c = counters();
    const kinds = writeKinds(kind);
    {
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
    }
  };

  const store = {
    isPostgres,

    /**
     * A document's versions: whether one is published, and which rows the Content Manager's
     * relation links to. With `trx` on PostgreSQL the rows are held FOR SHARE, so a concurrent
     * delete of the document waits for the write and then purges its reaction.
     */
    async versions(target: Target, documentId: string, trx?: Knex.Transaction) {
      const { table, column } = columnsOf(target.uid);
      const query = (db: Knex | Knex.Transaction) => {
        const q = db(table)
          .select('id', `${column('publishedAt')} as published_at`, `${column('locale')} as locale`)
          .where(column('documentId'), documentId);
        return trx && isPostgres() ? q.forShare() : q;
      };
      const rows: Row[] = trx ? await query(trx) : await read(query);
      const isPublished = (row: Row) => row.published_at !== null && row.published_at !== undefined;
      // The relation links one locale's draft and published rows (the locale published first), as the
      // Document Service does for a relation from a type without draft & publish to one with it.
      const linked = [...rows].filter(isPublished).sort((a, b) => Number(a.id) - Number(b.id))[0] ?? rows[0];
      const linkIds = linked ? rows.filter((row) => row.locale === linked.locale).map((row) => Number(row.id)) : [];
      return { published: rows.some(isPublished), linkIds };
    },

    /** Which of these ids are published documents of the target, in the order given. */
    async publishedIds(targetUid: string, documentIds: string[]): Promise<string[]> {
      if (documentIds.length === 0) return [];
      const { table, column } = columnsOf(targetUid);
      const rows: Row[] = await read((db) =>
        db(table).distinct(`${column('documentId')} as document_id`).whereIn(column('documentId'), documentIds).whereNotNull(column('publishedAt'))
      );
      const found = new Set(rows.map((row) => String(row.document_id)));
      return documentIds.filter((id) => found.has(id));
    },

    async counters(targetUid: string, documentIds: string[]): Promise<CounterRow[]> {
      const c = counters();
      const rows: Row[] = await read((db) =>
        db(c.table)
          .select(`${c.targetDocumentId} as document_id`, `${c.kind} as kind`, `${c.count} as count`)
          .where(c.targetType, targetUid)
          .whereIn(c.targetDocumentId, documentIds)
      );
      return rows.map((row) => ({ documentId: String(row.document_id), kind: String(row.kind), count: Number(row.count) }));
    },

    /** The reader's own kinds on these documents. */
    async readerKinds(targetUid: string, readerKey: string, documentIds: string[]): Promise<Map<string, string>> {
      const r = reactions();
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
     * lock): a concurrent delete of the document either comes first (404, nothing kept) or waits
     * for this write and then purges it.
     */
    async set(target: Target, documentId: string, reader: Reader, kind: string): Promise<SetOutcome> {
      const r = reactions();
      const key = { [r.targetType]: target.uid, [r.targetDocumentId]: documentId, [r.readerKey]: reader.key };
      // Outside a caller's transaction, PostgreSQL takes a first reaction in one statement and a
      // switch in another; a reaction removed between the two (a concurrent DELETE by the same
      // reader) makes it try again.
      if (isPostgres() && !strapi.db.inTransaction()) {
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const first = await insertFirstReaction(target, documentId, reader, kind);
          if (first.inserted) return { created: true, changed: true, previousKind: null, counts: first.counts };
          if (!first.published) throw notPublished(target);
          const switched = await switchReaction(target, documentId, reader, kind);
          if (switched) return switched;
        }
        throw new errors.ApplicationError('The reaction changed too often at once; try again');
      }
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
            const versions = await store.versions(target, documentId, trx);
            if (!versions.published) throw notPublished(target);
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
          let existingQuery = trx(r.table).select('id', `${r.kind} as kind`).where(key).first();
          if (isPostgres()) existingQuery = existingQuery.forUpdate();
          const existing = (await existingQuery) as Row | undefined;
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
        throw new errors.ApplicationError('The reaction changed too often at once; try again');
      });
    },

    /**
     * Removes the reader's reaction on a document: the removed kind (null when there was none)
     * and the document's counters right after this write.
     */
    async clear(target: Target, documentId: string, readerKey: string, targets: Target[]): Promise<ClearOutcome> {
      const r = reactions();
      return strapi.db.transaction(async ({ trx }) => {
        await lockReaders(trx, [readerKey]);
        const removed = await deleteReturning(
          trx,
          trx(r.table).where({ [r.targetType]: target.uid, [r.targetDocumentId]: documentId, [r.readerKey]: readerKey }),
          ['id', r.kind]
        );
        // Nothing written: the counters as they stand (this reader's earlier writes included, after its lock).
        if (removed.length === 0) return { previousKind: null, counts: await readCounts(trx, target.uid, documentId) };
        await unlink(trx, targets, [Number(removed[0].id)]);
        const kind = String(removed[0][r.kind]);
        return { previousKind: kind, counts: await writeDocumentCounters(trx, target.uid, documentId, [[kind, -1]]) };
      }) as unknown as Promise<ClearOutcome>;
    },

    /** Deletes reactions by row id (moderation), keeping counters exact. */
    async removeByIds(ids: number[], targets: Target[]): Promise<RemovedReaction[]> {
      if (ids.length === 0) return [];
      const r = reactions();
      return strapi.db.transaction(async ({ trx }) => {
        const rows = await deleteReturning(trx, trx(r.table).whereIn('id', ids), ['id', r.kind, r.targetType, r.targetDocumentId]);
        await unlink(
          trx,
          targets,
          rows.map((row) => Number(row.id))
        );
        const removed = rows.map((row) => ({
          id: Number(row.id),
          targetUid: String(row[r.targetType]),
          documentId: String(row[r.targetDocumentId]),
          kind: String(row[r.kind]),
        }));
        await adjustCounters(
          trx,
          removed.map(({ targetUid, documentId, kind }) => ({ targetUid, documentId, kind, delta: -1 as const }))
        );
        return removed;
      });
    },

    /** Forgets every reaction and counter of a document that no longer exists in any version. */
    async purgeDocument(targetUid: string, documentId: string, targets: Target[]): Promise<void> {
      const r = reactions();
      const c = counters();
      await strapi.db.transaction(async ({ trx }) => {
        const where = { [r.targetType]: targetUid, [r.targetDocumentId]: documentId };
        const removed = await deleteReturning(trx, trx(r.table).where(where), ['id']);
        await unlink(
          trx,
          targets,
          removed.map((row) => Number(row.id))
        );
        await trx(c.table).where({ [c.targetType]: targetUid, [c.targetDocumentId]: documentId }).del();
        const st = settingsTable();
        await trx(st.table).where({ [st.targetType]: targetUid, [st.targetDocumentId]: documentId }).del();
      });
    },

    /** How many versions of a document exist (0 once it is deleted everywhere). */
    async countVersions(targetUid: string, documentId: string): Promise<number> {
      const { table, column } = columnsOf(targetUid);
      const row = (await read((db) => db(table).count({ n: '*' }).where(column('documentId'), documentId).first())) as Row | undefined;
      return Number(row?.n ?? 0);
    },

    /**
     * Recomputes counters from the reaction rows, document by document in batches (keyset order
     * over both tables), and repairs any difference (with `repair`). No table locks: writes go on
     * meanwhile. Each batch reads rows and counters of its documents in one statement, hence one
     * snapshot, in which every write is wholly there or wholly absent; a write moves rows and
     * counters together, so the drift it finds (counted - stored) is still the drift when the
     * repair adds it to the counter as a delta, whatever was written since. Returns the
     * differences found; an empty list means counts already equalled rows.
     */
    async reconcile({ repair = true, batchSize = 200, onBatch }: ReconcileOptions = {}): Promise<Repair[]> {
      const r = reactions();
      const c = counters();
      const size = Math.max(1, Math.floor(batchSize));
      const repairs: Repair[] = [];
      let after: [string, string] | null = null;
      let documents = 0;
      for (;;) {
        const from: [string, string] | null = after;
        // The next documents after the cursor, from either table (a counter may outlive its rows),
        // each side an index range; every comparison and order is the database's own, so the
        // cursor and the ranges below agree whatever its collation.
        const db = strapi.db.connection;
        const next = (table: string, targetType: string, targetDocumentId: string) => {
          const query = db(table).distinct(`${targetType} as target`, `${targetDocumentId} as document_id`);
          if (from) query.whereRaw('(??, ??) > (?, ?)', [targetType, targetDocumentId, ...from]);
          return query.orderBy([targetType, targetDocumentId]).limit(size);
        };
        const batch: Row[] = await db
          .select('target', 'document_id')
          .from(db.raw('(select * from ? as a union select * from ? as b) as d', [next(r.table, r.targetType, r.targetDocumentId), next(c.table, c.targetType, c.targetDocumentId)]))
          .orderBy(['target', 'document_id'])
          .limit(size);
        if (batch.length === 0) break;
        const first = [String(batch[0].target), String(batch[0].document_id)];
        const last: [string, string] = [String(batch[batch.length - 1].target), String(batch[batch.length - 1].document_id)];
        const inRange = (query: Knex.QueryBuilder, targetType: string, targetDocumentId: string) =>
          query.whereRaw('(??, ??) >= (?, ?) and (??, ??) <= (?, ?)', [targetType, targetDocumentId, ...first, targetType, targetDocumentId, ...last]);

        const batchRepairs = (await strapi.db.transaction(async ({ trx }) => {
          if (isPostgres()) await trx.raw('select pg_advisory_xact_lock(?::bigint)', [RECONCILE_LOCK_ID.toString()]);
          // SQLite: a write first takes the write lock at once (see the header).
          else await trx(c.table).where(c.count, '<', -1e12).del();
          const counted = inRange(
            trx(r.table)
              .select(`${r.targetType} as target`, `${r.targetDocumentId} as document_id`, `${r.kind} as kind`)
              .count({ counted: '*' })
              .select(trx.raw('0 as stored')),
            r.targetType,
            r.targetDocumentId
          ).groupBy(r.targetType, r.targetDocumentId, r.kind);
          const stored = inRange(
            trx(c.table).select(`${c.targetType} as target`, `${c.targetDocumentId} as document_id`, `${c.kind} as kind`, trx.raw('0 as counted'), `${c.count} as stored`),
            c.targetType,
            c.targetDocumentId
          );
          // One statement: rows and counters from the same snapshot.
          const rows: Row[] = await trx.select('target', 'document_id', 'kind').sum({ counted: 'counted' }).sum({ stored: 'stored' })
            .from(trx.raw('(select * from ? as a union all select * from ? as b) as both_tables', [counted, stored]))
            .groupBy('target', 'document_id', 'kind');
          const differences: Repair[] = rows
            .map((row) => ({
              target: String(row.target),
              documentId: String(row.document_id),
              kind: String(row.kind),
              counted: Number(row.counted),
              stored: Number(row.stored),
            }))
            .filter((row) => row.counted !== row.stored);
          if (repair) {
            await adjustCounters(
              trx,
              differences.map(({ target, documentId, kind, counted, stored: value }) => ({ targetUid: target, documentId, kind, delta: counted - value }))
            );
          }
          return differences;
        })) as unknown as Repair[];
        repairs.push(...batchRepairs);
        documents += batch.length;
        after = last;
        if (onBatch) await onBatch({ documents, repairs: repairs.length });
      }
      return repairs;
    },

    /**
     * Trends (one query, whatever the number of documents): published documents of a target
     * ranked by reactions whose `updated_at` (set on create and on every switch) lies in
     * [since, until], optionally by one kind, ties by documentId. Served by the index on
     * (target_type, updated_at); the publication check is a semi-join on the target's table.
     */
    async trending(target: Target, { since, until, kinds, kind, limit }: TrendQuery): Promise<TrendRow[]> {
      const r = reactions();
      const { table, column } = columnsOf(target.uid);
      const perKind = `sum(case when ${r.table}.${r.kind} = ? then 1 else 0 end)`;
      const rows: Row[] = await read((db) => {
        const query = db(r.table)
          .select(`${r.table}.${r.targetDocumentId} as document_id`)
          .count({ total: '*' })
          .select(kinds.map((key, index) => db.raw(`${perKind} as ??`, [key, `k${index}`])))
          .where(`${r.table}.${r.targetType}`, target.uid)
          .where(`${r.table}.${r.updatedAt}`, '>=', since)
          .where(`${r.table}.${r.updatedAt}`, '<=', until)
          .whereIn(`${r.table}.${r.kind}`, kinds)
          .whereExists((sub) =>
            sub
              .select(db.raw('1'))
              .from(table)
              .whereRaw('??.?? = ??.??', [table, column('documentId'), r.table, r.targetDocumentId])
              .whereNotNull(`${table}.${column('publishedAt')}`)
          )
          .groupBy(`${r.table}.${r.targetDocumentId}`);
        if (kind) query.havingRaw(`${perKind} > 0`, [kind]).orderByRaw(`${perKind} desc`, [kind]);
        return query.orderBy([{ column: 'total', order: 'desc' }, { column: 'document_id', order: 'asc' }]).limit(limit);
      });
      return rows.map((row) => ({
        documentId: String(row.document_id),
        total: Number(row.total),
        counts: Object.fromEntries(kinds.map((key, index) => [key, Number(row[`k${index}`] ?? 0)])),
      }));
    },

    /** A display field (e.g. title) of these documents, from any version, the published one first. */
    async labels(targetUid: string, documentIds: string[], field: string): Promise<Map<string, string>> {
      if (documentIds.length === 0) return new Map();
      const { table, column } = columnsOf(targetUid);
      const rows: Row[] = await read((db) =>
        db(table)
          .select(`${column('documentId')} as document_id`, `${column(field)} as label`, `${column('publishedAt')} as published_at`)
          .whereIn(column('documentId'), documentIds)
      );
      const labels = new Map<string, string>();
      for (const row of [...rows].sort((a, b) => Number(b.published_at !== null) - Number(a.published_at !== null))) {
        const id = String(row.document_id);
        if (!labels.has(id) && row.label !== null && row.label !== undefined) labels.set(id, String(row.label));
      }
      return labels;
    },

    /** When a document was first created (its oldest version), or null when it does not exist. */
    async firstCreatedAt(targetUid: string, documentId: string): Promise<Date | null> {
      const { table, column } = columnsOf(targetUid);
      const row = (await read((db) => db(table).min({ first: column('createdAt') }).where(column('documentId'), documentId).first())) as Row | undefined;
      if (!row || row.first === null || row.first === undefined) return null;
      const value = row.first;
      return new Date(typeof value === 'number' || /^[0-9]+$/.test(String(value)) ? Number(value) : String(value));
    },

    /**
     * A document's reactions bucketed by time (their `updated_at`, as trends count them) and kind,
     * in buckets of `bucketMs` from `since` to `until`: one GROUP BY, bucket arithmetic per dialect
     * (SQLite stores our timestamps as epoch milliseconds).
     */
    async series(targetUid: string, documentId: string, since: Date, until: Date, bucketMs: number): Promise<SeriesRow[]> {
      const r = reactions();
      const bucket = isPostgres()
        ? `floor(extract(epoch from ${r.updatedAt}) * 1000 / ${Number(bucketMs)})`
        : `cast(${r.updatedAt} / ${Number(bucketMs)} as integer)`;
      const rows: Row[] = await read((db) =>
        db(r.table)
          .select(db.raw(`${bucket} as bucket`), `${r.kind} as kind`)
          .count({ n: '*' })
          .where({ [r.targetType]: targetUid, [r.targetDocumentId]: documentId })
          .where(r.updatedAt, '>=', since)
          .where(r.updatedAt, '<', until)
          // knex's groupBy takes one raw expression alone: bucket and kind go in one raw clause.
          .groupByRaw(`${bucket}, ??`, [r.kind])
      );
      return rows.map((row) => ({ start: Number(row.bucket) * bucketMs, kind: String(row.kind), count: Number(row.n) }));
    },

    /** Editorial settings of these documents (one query); documents without a row are left out. */
    async settings(targetUid: string, documentIds: string[]): Promise<Map<string, StoredSetting>> {
      if (documentIds.length === 0) return new Map();
      const s = settingsTable();
      const rows: Row[] = await read((db) =>
        db(s.table)
          .select(`${s.targetDocumentId} as document_id`, `${s.closed} as closed`, `${s.kinds} as kinds`)
          .where(s.targetType, targetUid)
          .whereIn(s.targetDocumentId, documentIds)
      );
      return new Map(rows.map((row) => [String(row.document_id), { closed: Boolean(Number(row.closed)), kinds: parseKinds(row.kinds) }]));
    },

    /** Stores a document's editorial setting (one row per target document). */
    async saveSetting(targetUid: string, documentId: string, setting: StoredSetting): Promise<void> {
      const s = settingsTable();
      const now = clockNow();
      const kinds = setting.kinds === null ? null : JSON.stringify(setting.kinds);
      await strapi.db.connection(s.table)
        .insert({
          [s.targetType]: targetUid,
          [s.targetDocumentId]: documentId,
          [s.closed]: setting.closed,
          [s.kinds]: kinds,
          [s.documentId]: createDocumentId(),
          [s.createdAt]: now,
          [s.updatedAt]: now,
        })
        .onConflict([s.targetType, s.targetDocumentId])
        .merge({ [s.closed]: setting.closed, [s.kinds]: kinds, [s.updatedAt]: now });
    },
  };

  // A reader's own reactions (list, erase, claim, a deleted user's): ownership-queries.ts.
  return { ...store, ...ownershipQueries({ strapi, isPostgres, read, columnsOf, reactions, adjustCounters, unlink, deleteReturning, lockReaders }) };
};
