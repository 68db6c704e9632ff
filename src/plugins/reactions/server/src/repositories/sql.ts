/**
 * What every repository's SQL shares: reads that join a caller's transaction, statements with
 * RETURNING on both databases, batching, the one lock order and the ids Strapi expects.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

export type Row = Record<string, unknown>;
export type Db = Knex | Knex.Transaction;

/** What a repository reports instead of an HTTP error; the rules service words it for readers. */
export class StoreError extends Error {
  constructor(
    readonly code: 'not-published' | 'contended',
    message: string
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Reads join a surrounding transaction (e.g. the Content Manager's bulk delete); on SQLite's single connection a separate read would wait forever. */
export const createRead =
  (strapi: Core.Strapi) =>
  <T>(query: (db: Db) => Promise<T>): Promise<T> =>
    strapi.db.inTransaction() ? (strapi.db.transaction(({ trx }) => query(trx)) as unknown as Promise<T>) : query(strapi.db.connection);

export type Read = ReturnType<typeof createRead>;

const DOCUMENT_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Strapi document ids are 24 lowercase alphanumerics; reactions get one so the Content Manager can address them.
export const createDocumentId = (): string => {
  const bytes = crypto.randomBytes(24);
  let id = DOCUMENT_ID_ALPHABET[bytes[0] % 26];
  for (let i = 1; i < 24; i += 1) id += DOCUMENT_ID_ALPHABET[bytes[i] % 36];
  return id;
};

/**
 * `query` (a DELETE or UPDATE) with RETURNING as one statement on both databases (Knex's
 * `.returning()` yields only a count with better-sqlite3), so a delete stays the transaction's
 * first write.
 */
export const withReturning = async (trx: Knex.Transaction, query: Knex.QueryBuilder, columns: string[]): Promise<Row[]> => {
  const { sql, bindings } = query.toSQL();
  const returning = columns.map((column) => `"${column.replace(/"/g, '')}"`).join(', ');
  const result = await trx.raw(`${sql} returning ${returning}`, bindings as Knex.RawBinding[]);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
};

/** Narrows `query` to these documents of one target, on a table keyed by (target type, target document). */
export const ofDocuments = <Q extends Knex.QueryBuilder>(
  query: Q,
  columns: { targetType: string; targetDocumentId: string },
  targetUid: string,
  documentIds: string[]
): Q => query.where(columns.targetType, targetUid).whereIn(columns.targetDocumentId, documentIds) as Q;

/** Code-unit order, the one order of kinds (and of targets and documents) every write locks counters in. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const chunks = <T>(items: T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
};

/** Timestamps come back as Date (PostgreSQL), epoch milliseconds or text (SQLite). */
export const isoTime = (value: unknown): string => {
  const date = value instanceof Date ? value : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number));
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
};
