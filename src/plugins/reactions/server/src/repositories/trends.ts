/** Reads over time of the reactions table: trending documents and one document's series. */
import type { Dialect } from './dialects';
import type { Read, Row } from './sql';
import type { Tables } from './tables';
import type { SeriesRow, TrendQuery, TrendRow } from './types';
import type { Target } from '../utils/settings';

export const createTrendsRepository = (tables: Tables, read: Read, dialect: () => Dialect) => ({
  /**
   * Trends (one query, whatever the number of documents): published documents of a target
   * ranked by reactions whose `updated_at` (set on create and on every switch) lies in
   * [since, until], optionally by one kind, ties by documentId. Served by the index on
   * (target_type, updated_at); the publication check is a semi-join on the target's table.
   */
  async trending(target: Target, { since, until, kinds, kind, limit }: TrendQuery): Promise<TrendRow[]> {
    const r = tables.reactions();
    const { table, column } = tables.columnsOf(target.uid);
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

  /**
   * A document's reactions bucketed by time (their `updated_at`, as trends count them) and kind,
   * in buckets of `bucketMs` from `since` to `until`: one GROUP BY, the bucket arithmetic is the
   * dialect's.
   */
  async series(targetUid: string, documentId: string, since: Date, until: Date, bucketMs: number): Promise<SeriesRow[]> {
    const r = tables.reactions();
    const bucket = dialect().bucket(r.updatedAt, bucketMs);
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
});
