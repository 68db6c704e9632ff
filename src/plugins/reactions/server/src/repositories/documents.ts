/**
 * The targets' own tables, read only: whether a document is published, which rows a reaction
 * links to, its title and age. The host owns these tables; the plugin never writes them.
 */
import type { Knex } from 'knex';
import type { Target } from '../utils/settings';
import type { Dialect } from './dialects';
import type { Db, Read, Row } from './sql';
import type { Tables } from './tables';

export const createDocumentsRepository = (tables: Tables, read: Read, dialect: () => Dialect) => ({
  /**
   * A document's versions: whether one is published, and which rows the Content Manager's
   * relation links to. With `trx` the rows are held FOR SHARE where the database has row locks,
   * so a concurrent delete of the document waits for the write and then purges its reaction.
   */
  async versions(target: Target, documentId: string, trx?: Knex.Transaction) {
    const { table, column } = tables.columnsOf(target.uid);
    const query = (db: Db) => {
      const q = db(table)
        .select('id', `${column('publishedAt')} as published_at`, `${column('locale')} as locale`)
        .where(column('documentId'), documentId);
      return trx ? dialect().forShare(q) : q;
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
    const { table, column } = tables.columnsOf(targetUid);
    const rows: Row[] = await read((db) =>
      db(table).distinct(`${column('documentId')} as document_id`).whereIn(column('documentId'), documentIds).whereNotNull(column('publishedAt'))
    );
    const found = new Set(rows.map((row) => String(row.document_id)));
    return documentIds.filter((id) => found.has(id));
  },

  /** How many versions of a document exist (0 once it is deleted everywhere). */
  async countVersions(targetUid: string, documentId: string): Promise<number> {
    const { table, column } = tables.columnsOf(targetUid);
    const row = (await read((db) => db(table).count({ n: '*' }).where(column('documentId'), documentId).first())) as Row | undefined;
    return Number(row?.n ?? 0);
  },

  /** A display field (e.g. title) of these documents, from any version, the published one first. */
  async labels(targetUid: string, documentIds: string[], field: string): Promise<Map<string, string>> {
    if (documentIds.length === 0) return new Map();
    const { table, column } = tables.columnsOf(targetUid);
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
    const { table, column } = tables.columnsOf(targetUid);
    const row = (await read((db) => db(table).min({ first: column('createdAt') }).where(column('documentId'), documentId).first())) as Row | undefined;
    if (!row || row.first === null || row.first === undefined) return null;
    const value = row.first;
    return new Date(typeof value === 'number' || /^[0-9]+$/.test(String(value)) ? Number(value) : String(value));
  },
});

export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>;
