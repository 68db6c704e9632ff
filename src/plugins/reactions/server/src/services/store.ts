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
 *   whatever the number of reactions, at the price of a row lock per write (`npm run bench`
 *   measures both sides). `reconcile` recomputes counters from rows and repairs any drift.
 * - Counter rows are always locked in one order (document, then kind), so two readers switching
 *   in opposite directions cannot deadlock on PostgreSQL.
 * - On SQLite each write transaction starts with a write statement, so it takes the write lock
 *   at once (waiting up to the busy timeout) and cannot fail with SQLITE_BUSY on upgrade.
 * - PostgreSQL serialises one reader's writes on one document with a transaction-scoped advisory
 *   lock, taken first (SQLite's write lock already serialises writers). The one-statement writes
 *   take it in their first CTE; a reader minted by the request needs none.
 * - Round trips are what a PostgreSQL write costs: a first reaction or a switch is one statement
 *   that also reads the counters back, so a write answers its tally without another query.
 * - Writes go through Knex directly rather than the Document Service: a reaction is a small,
 *   hot row and the Document Service's extra queries per write would cap throughput.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Knex } from 'knex';
import { COUNTER_UID, REACTION_UID, SETTING_UID } from '../../../shared/contract';
import type { Target } from '../utils/settings';
import { ownershipQueries } from './ownership-queries';
import type { Reader } from './readers';
import { getService } from '../utils/services';

type Row = Record<string, unknown>;

export type CounterRow = { documentId: string; kind: string; count: number };
/** `counts`: the document's counters right after the write, when the store read them with it. */
export type SetOutcome = { created: boolean; changed: boolean; previousKind: string | null; counts?: Map<string, number> };
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

/** The PostgreSQL advisory lock that serialises one reader's writes on one document. */
const readerLockId = (targetUid: string, documentId: string, readerKey: string): bigint =>
  crypto.createHash('sha256').update(`${targetUid}\u0000${documentId}\u0000${readerKey}`).digest().readBigInt64BE(0);

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

  /** Counter rows locked in one global order (document, then kind), as every write takes them. */
  const adjustCounters = async (trx: Knex.Transaction, changes: Array<{ targetUid: string; documentId: string; kind: string; delta: 1 | -1 }>) => {
    const c = counters();
    const keyOf = (change: (typeof changes)[number]) => `${change.targetUid}\u0000${change.documentId}\u0000${change.kind}`;
    const ordered = [...changes].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    for (const { targetUid, documentId, kind, delta } of ordered) {
      const where = { [c.targetType]: targetUid, [c.targetDocumentId]: documentId, [c.kind]: kind };
      if (delta > 0) {
        await trx(c.table)
          .insert({ ...where, [c.count]: 1 })
          .onConflict([c.targetType, c.targetDocumentId, c.kind])
          .merge({ [c.count]: trx.raw('??.?? + 1', [c.table, c.count]) });
      } else {
        await trx(c.table).where(where).update({ [c.count]: trx.raw('?? - 1', [c.count]) });
      }
    }
  };

  const lockReader = async (trx: Knex.Transaction, targetUid: string, documentId: string, readerKey: string) => {
    if (!isPostgres()) return;
    const lockId = readerLockId(targetUid, documentId, readerKey);
    await trx.raw('select pg_advisory_xact_lock(?)', [lockId.toString()]);
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
   * PostgreSQL: the select-list column `counts` (a document's counters as JSON, as the statement's
   * snapshot has them) that the one-statement writes end with, and its parsing.
   */
  const countsColumn = (targetUid: string, documentId: string) => {
    const c = counters();
    return {
      sql: "(SELECT coalesce(json_object_agg(??, ??), '{}'::json) FROM ?? WHERE ?? = ? AND ?? = ?) AS counts",
      bindings: [c.kind, c.count, c.table, c.targetType, targetUid, c.targetDocumentId, documentId],
    };
  };
  const countsFrom = (json: Record<string, unknown>) => new Map(Object.entries(json).map(([kind, count]) => [kind, Number(count)]));

  /**
   * PostgreSQL: a first reaction of this reader on this document in one statement (one round
   * trip, no BEGIN/COMMIT): the publication check with the document's rows held FOR SHARE, the
   * row (nothing when the reader already has one: the unique key decides), its links, the counter,
   * and the counters as they were when the statement began. The locale linked is the one published
   * first, as `versions` picks it.
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
    // A known reader's write holds its (document, reader) lock, as a claim expects (ownership-queries.ts);
    // selecting from `lk` makes the insert wait for it. A reader minted by this request needs none.
    if (!reader.isNew) cte('lk AS (SELECT pg_advisory_xact_lock(?::bigint) AS locked)', readerLockId(target.uid, documentId, reader.key).toString());
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
    cte(
      'cnt AS (INSERT INTO ?? (??, ??, ??, ??) SELECT ?, ?, ?, 1 FROM ins ON CONFLICT (??, ??, ??) DO UPDATE SET ?? = ??.?? + 1)',
      c.table, c.targetType, c.targetDocumentId, c.kind, c.count, target.uid, documentId, kind,
      c.targetType, c.targetDocumentId, c.kind, c.count, c.table, c.count
    );
    const result = await strapi.db.connection.raw(
      `WITH ${ctes.join(', ')} SELECT (SELECT count(*) FROM ins)::int AS inserted, ` +
        'EXISTS (SELECT 1 FROM v WHERE published_at IS NOT NULL) AS published, ' +
        countsColumn(target.uid, documentId).sql,
      [...bindings, ...countsColumn(target.uid, documentId).bindings]
    );
    const row = (result as { rows: Array<{ inserted: number; published: boolean; counts: Record<string, number> }> }).rows[0];
    const counts = countsFrom(row.counts);
    // The statement's own increment is not in its snapshot of the counters.
    if (row.inserted > 0) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return { inserted: row.inserted > 0, published: row.published, counts };
  };

  /**
   * PostgreSQL: moves the reader's existing reaction to `kind` in one statement, holding the
   * reader's (document, reader) lock as every known reader's write does. The row is taken FOR
   * UPDATE, so a concurrent change to it is waited for and its outcome read; both counters change
   * in kind order, as every write takes them. Null when the reader has no reaction on the
   * document (any more): the caller tries the insert again.
   */
  const switchReaction = async (target: Target, documentId: string, reader: Reader, kind: string): Promise<SetOutcome | null> => {
    const r = reactions();
    const c = counters();
    {
      const result = await strapi.db.connection.raw(
        'WITH lk AS (SELECT pg_advisory_xact_lock(?::bigint) AS locked), ' +
          'old AS (SELECT rx.id, rx.?? AS kind FROM ?? AS rx, lk WHERE rx.?? = ? AND rx.?? = ? AND rx.?? = ? FOR UPDATE OF rx), ' +
          'upd AS (UPDATE ?? SET ?? = ?, ?? = ?::timestamp FROM old WHERE ??.id = old.id AND old.kind <> ? RETURNING old.kind AS previous), ' +
          'delta AS (SELECT previous::text AS kind FROM upd UNION ALL SELECT ?::text FROM upd), ' +
          'cnt AS (INSERT INTO ?? (??, ??, ??, ??) SELECT ?, ?, kind, CASE WHEN kind = ? THEN 1 ELSE 0 END FROM delta ORDER BY kind ' +
          'ON CONFLICT (??, ??, ??) DO UPDATE SET ?? = ??.?? + CASE WHEN EXCLUDED.?? = ? THEN 1 ELSE -1 END) ' +
          "SELECT (SELECT kind FROM old) AS previous, (SELECT count(*) FROM upd)::int AS updated, " +
          countsColumn(target.uid, documentId).sql,
        [
          readerLockId(target.uid, documentId, reader.key).toString(),
          r.kind, r.table, r.targetType, target.uid, r.targetDocumentId, documentId, r.readerKey, reader.key,
          r.table, r.kind, kind, r.updatedAt, clockNow(), r.table, kind,
          kind,
          c.table, c.targetType, c.targetDocumentId, c.kind, c.count, target.uid, documentId, kind,
          c.targetType, c.targetDocumentId, c.kind, c.count, c.table, c.count, c.kind, kind,
          ...countsColumn(target.uid, documentId).bindings,
        ]
      );
      const row = (result as { rows: Array<{ previous: string | null; updated: number; counts: Record<string, number> }> }).rows[0];
      if (row.previous === null) return null;
      const counts = countsFrom(row.counts);
      // The statement's own changes are not in its snapshot of the counters.
      if (row.updated > 0) {
        counts.set(row.previous, Math.max(0, (counts.get(row.previous) ?? 0) - 1));
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
      return { created: false, changed: row.updated > 0, previousKind: String(row.previous), counts };
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
          if (!first.published) throw new errors.NotFoundError(`No published ${target.displayName.toLowerCase()} with this documentId`);
          const switched = await switchReaction(target, documentId, reader, kind);
          if (switched) return switched;
        }
        throw new errors.ApplicationError('The reaction changed too often at once; try again');
      }
      return strapi.db.transaction(async ({ trx }) => {
        // A reader minted by this request is known to nobody else yet: no concurrent write to serialise.
        if (!reader.isNew) await lockReader(trx, target.uid, documentId, reader.key);
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
            if (!versions.published) throw new errors.NotFoundError(`No published ${target.displayName.toLowerCase()} with this documentId`);
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
            await adjustCounters(trx, [{ targetUid: target.uid, documentId, kind, delta: 1 }]);
            return { created: true, changed: true, previousKind: null };
          }
          let existingQuery = trx(r.table).select('id', `${r.kind} as kind`).where(key).first();
          if (isPostgres()) existingQuery = existingQuery.forUpdate();
          const existing = (await existingQuery) as Row | undefined;
          if (!existing) continue;
          const previousKind = String(existing.kind);
          if (previousKind === kind) return { created: false, changed: false, previousKind };
          await trx(r.table).where('id', existing.id as number).update({ [r.kind]: kind, [r.updatedAt]: clockNow() });
          await adjustCounters(trx, [
            { targetUid: target.uid, documentId, kind: previousKind, delta: -1 },
            { targetUid: target.uid, documentId, kind, delta: 1 },
          ]);
          return { created: false, changed: true, previousKind };
        }
        throw new errors.ApplicationError('The reaction changed too often at once; try again');
      });
    },

    /** Removes the reader's reaction on a document; the removed kind, or null when there was none. */
    async clear(target: Target, documentId: string, readerKey: string, targets: Target[]): Promise<string | null> {
      const r = reactions();
      return strapi.db.transaction(async ({ trx }) => {
        await lockReader(trx, target.uid, documentId, readerKey);
        const removed = await deleteReturning(
          trx,
          trx(r.table).where({ [r.targetType]: target.uid, [r.targetDocumentId]: documentId, [r.readerKey]: readerKey }),
          ['id', r.kind]
        );
        if (removed.length === 0) return null;
        await unlink(trx, targets, [Number(removed[0].id)]);
        const kind = String(removed[0][r.kind]);
        await adjustCounters(trx, [{ targetUid: target.uid, documentId, kind, delta: -1 }]);
        return kind;
      });
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

    /** Row ids of the reactions behind Content Manager document ids. */
    async idsByDocumentIds(documentIds: string[]): Promise<number[]> {
      const r = reactions();
      const rows: Row[] = await read((db) => db(r.table).select('id').whereIn(r.documentId, documentIds));
      return rows.map((row) => Number(row.id));
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
     * Recomputes every counter from the reaction rows and repairs any difference (with `repair`).
     * Returns the differences found; an empty list means counts already equalled rows.
     */
    async reconcile({ repair = true }: { repair?: boolean } = {}): Promise<Repair[]> {
      const r = reactions();
      const c = counters();
      return strapi.db.transaction(async ({ trx }) => {
        // Take the write lock first (see the SQLite note above); on PostgreSQL block concurrent writers.
        if (isPostgres()) {
          await trx.raw('LOCK TABLE ?? IN SHARE ROW EXCLUSIVE MODE', [r.table]);
          await trx.raw('LOCK TABLE ?? IN SHARE ROW EXCLUSIVE MODE', [c.table]);
        } else {
          await trx(c.table).where(c.count, '<', -1e12).del();
        }
        const actual: Row[] = await trx(r.table)
          .select(`${r.targetType} as target`, `${r.targetDocumentId} as document_id`, `${r.kind} as kind`)
          .count({ n: '*' })
          .groupBy(r.targetType, r.targetDocumentId, r.kind);
        const stored: Row[] = await trx(c.table).select(
          `${c.targetType} as target`,
          `${c.targetDocumentId} as document_id`,
          `${c.kind} as kind`,
          `${c.count} as count`
        );
        const keyOf = (row: Row) => `${row.target}\u0000${row.document_id}\u0000${row.kind}`;
        const storedByKey = new Map(stored.map((row) => [keyOf(row), row]));
        const repairs: Repair[] = [];
        const seen = new Set<string>();
        for (const row of actual) {
          const key = keyOf(row);
          seen.add(key);
          const counted = Number(row.n);
          const current = storedByKey.get(key);
          const storedCount = current ? Number(current.count) : 0;
          if (counted === storedCount) continue;
          repairs.push({ target: String(row.target), documentId: String(row.document_id), kind: String(row.kind), counted, stored: storedCount });
          if (!repair) continue;
          await trx(c.table)
            .insert({ [c.targetType]: row.target, [c.targetDocumentId]: row.document_id, [c.kind]: row.kind, [c.count]: counted })
            .onConflict([c.targetType, c.targetDocumentId, c.kind])
            .merge({ [c.count]: counted });
        }
        for (const row of stored) {
          if (seen.has(keyOf(row)) || Number(row.count) === 0) continue;
          repairs.push({ target: String(row.target), documentId: String(row.document_id), kind: String(row.kind), counted: 0, stored: Number(row.count) });
          if (!repair) continue;
          await trx(c.table)
            .where({ [c.targetType]: row.target, [c.targetDocumentId]: row.document_id, [c.kind]: row.kind })
            .update({ [c.count]: 0 });
        }
        return repairs;
      });
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
  return { ...store, ...ownershipQueries({ strapi, isPostgres, read, columnsOf, reactions, adjustCounters, unlink, deleteReturning, readerLockId }) };
};
