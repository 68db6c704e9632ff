/** The settings table: one editorial setting (closed, offered kinds) per target document. */
import type { Knex } from 'knex';
import { createDocumentId, ofDocuments, type Read, type Row } from './sql';
import type { Tables } from './tables';
import type { StoredSetting } from './types';

/** A json column comes back parsed from PostgreSQL and as text from SQLite. */
const parseKinds = (value: unknown): string[] | null => {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed.map(String) : null;
};

export const createSettingsRepository = (tables: Tables, read: Read, connection: () => Knex, clockNow: () => Date) => ({
  /** Editorial settings of these documents (one query); documents without a row are left out. */
  async settings(targetUid: string, documentIds: string[]): Promise<Map<string, StoredSetting>> {
    if (documentIds.length === 0) return new Map();
    const s = tables.settings();
    const rows: Row[] = await read((db) =>
      ofDocuments(db(s.table).select(`${s.targetDocumentId} as document_id`, `${s.closed} as closed`, `${s.kinds} as kinds`), s, targetUid, documentIds)
    );
    return new Map(rows.map((row) => [String(row.document_id), { closed: Boolean(Number(row.closed)), kinds: parseKinds(row.kinds) }]));
  },

  /** Stores a document's editorial setting (one row per target document). */
  async saveSetting(targetUid: string, documentId: string, setting: StoredSetting): Promise<void> {
    const s = tables.settings();
    const now = clockNow();
    const kinds = setting.kinds === null ? null : JSON.stringify(setting.kinds);
    await connection()(s.table)
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

  /** Forgets a deleted document's setting, inside the purge's transaction. */
  async deleteDocument(trx: Knex.Transaction, targetUid: string, documentId: string): Promise<void> {
    const s = tables.settings();
    await trx(s.table).where({ [s.targetType]: targetUid, [s.targetDocumentId]: documentId }).del();
  },
});
