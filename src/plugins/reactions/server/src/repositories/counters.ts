/**
 * The counters table: per-(document, kind) tallies kept in the same transaction as the reaction
 * rows, so a tally reads at most one row per kind whatever the number of reactions (a GROUP BY
 * over the rows gets slower as a story goes viral; `npm run bench` measures both sides).
 *
 * - Counter changes are deltas (`count + d`, inserting `d` when the row is missing), so any drift
 *   stays exactly as it was until `reconcile` adds it back; nothing clamps it out of sight.
 * - Counter rows are always locked in one order (target, document, then kind, each in code-unit
 *   order), so two writes on different kinds, or a claim and a write, cannot deadlock.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { getKindKeys } from '../utils/settings';
import type { Dialect } from './dialects';
import { byCodeUnits, chunks, ofDocuments, type Db, type Read, type Row } from './sql';
import type { Tables } from './tables';
import type { CounterChange, CounterRow, ReconcileOptions, Repair } from './types';

/** Counter rows per upsert statement: 4 bindings each, far below SQLite's bound-parameter limit. */
const COUNTER_ROWS_PER_STATEMENT = 200;

export const createCountersRepository = (strapi: Core.Strapi, tables: Tables, read: Read, dialect: () => Dialect) => {
  /**
   * Adds deltas to counters, summed per row and applied in the global lock order, in batched
   * upserts: a bulk removal or a claim over thousands of documents is a few statements, and can
   * never deadlock with a write.
   */
  const adjustCounters = async (trx: Knex.Transaction, changes: CounterChange[]) => {
    const c = tables.counters();
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
  const readCounts = async (db: Db, targetUid: string, documentId: string): Promise<Map<string, number>> => {
    const c = tables.counters();
    const rows: Row[] = await db(c.table)
      .select(`${c.kind} as kind`, `${c.count} as count`)
      .where({ [c.targetType]: targetUid, [c.targetDocumentId]: documentId });
    return new Map(rows.map((row) => [String(row.kind), Number(row.count)]));
  };

  /** Every configured kind and these, in code-unit order: the counter rows a write on a document takes. */
  const writeKinds = (...kinds: string[]) => [...new Set([...getKindKeys(strapi), ...kinds])].sort(byCodeUnits);

  return {
    adjustCounters,
    readCounts,
    writeKinds,

    /** Forgets a deleted document's counters, inside the purge's transaction. */
    async deleteDocument(trx: Knex.Transaction, targetUid: string, documentId: string): Promise<void> {
      const c = tables.counters();
      await trx(c.table).where({ [c.targetType]: targetUid, [c.targetDocumentId]: documentId }).del();
    },

    async counters(targetUid: string, documentIds: string[]): Promise<CounterRow[]> {
      const c = tables.counters();
      const rows: Row[] = await read((db) =>
        ofDocuments(db(c.table).select(`${c.targetDocumentId} as document_id`, `${c.kind} as kind`, `${c.count} as count`), c, targetUid, documentIds)
      );
      return rows.map((row) => ({ documentId: String(row.document_id), kind: String(row.kind), count: Number(row.count) }));
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
      const r = tables.reactions();
      const c = tables.counters();
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
          await dialect().lockReconcile(trx);
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
  };
};

export type CountersRepository = ReturnType<typeof createCountersRepository>;
