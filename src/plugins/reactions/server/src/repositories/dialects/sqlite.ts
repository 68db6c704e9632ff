/**
 * SQLite: the database's single write lock serialises every writer, so no reader or row locks;
 * each write transaction starts with a write statement, so it takes the write lock at once
 * (waiting up to the busy timeout) and cannot fail with SQLITE_BUSY on upgrade. Timestamps are
 * stored as epoch milliseconds.
 */
import type { Dialect, DialectContext } from '.';

export const createSqliteDialect = ({ tables, adjustCounters, readCounts }: DialectContext): Dialect => ({
  lockReaders: async () => undefined,
  // The transaction holds the write lock, so a read after the write is exact.
  async writeDocumentCounters(trx, targetUid, documentId, deltas) {
    await adjustCounters(trx, deltas.map(([kind, delta]) => ({ targetUid, documentId, kind, delta })));
    return readCounts(trx, targetUid, documentId);
  },
  setInOneStatement: null,
  forShare: (query) => query,
  forUpdate: (query) => query,
  lockRows: async () => undefined,
  // A write first: it takes the write lock at once (it deletes nothing, no counter is that low).
  async lockReconcile(trx) {
    const c = tables.counters();
    await trx(c.table).where(c.count, '<', -1e12).del();
  },
  bucket: (column, bucketMs) => `cast(${column} / ${Number(bucketMs)} as integer)`,
});
