/**
 * The statements that differ per database, behind one interface: a repository asks its dialect
 * and never branches on the client. What Knex writes the same everywhere stays in the
 * repositories. Adding a database (MySQL) is one more file here, nothing else.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { Reader } from '../../services/readers';
import type { Target } from '../../utils/settings';
import type { Tables } from '../tables';
import type { CounterChange, SetOutcome } from '../types';
import { createPostgresDialect } from './postgres';
import { createSqliteDialect } from './sqlite';

/** What a dialect may use of the counters repository and the plugin. */
export type DialectContext = {
  strapi: Core.Strapi;
  tables: Tables;
  clockNow: () => Date;
  /** Every configured kind and these, in code-unit order: the counter rows a write on a document takes. */
  writeKinds: (...kinds: string[]) => string[];
  adjustCounters: (trx: Knex.Transaction, changes: CounterChange[]) => Promise<void>;
  readCounts: (db: Knex | Knex.Transaction, targetUid: string, documentId: string) => Promise<Map<string, number>>;
};

export type Dialect = {
  /** Serialises each reader's writes, in the one global order (a no-op where the database serialises writers). */
  lockReaders: (trx: Knex.Transaction, readerKeys: string[]) => Promise<void>;
  /** Applies one reader's deltas on one document inside `trx` and returns its counters right after. */
  writeDocumentCounters: (trx: Knex.Transaction, targetUid: string, documentId: string, deltas: Array<[string, number]>) => Promise<Map<string, number>>;
  /** A whole `set` in one statement outside any transaction, where the database allows it. */
  setInOneStatement: ((target: Target, documentId: string, reader: Reader, kind: string) => Promise<SetOutcome>) | null;
  /** Row locks inside a write: kept until commit where the database has them. */
  forShare: (query: Knex.QueryBuilder) => Knex.QueryBuilder;
  forUpdate: (query: Knex.QueryBuilder) => Knex.QueryBuilder;
  /** Locks these rows before they are deleted (in `query`'s id order), where rows are locked at all. */
  lockRows: (query: Knex.QueryBuilder) => Promise<void>;
  /** Taken first by each reconcile batch: one batch at a time, and the transaction starts as a write. */
  lockReconcile: (trx: Knex.Transaction) => Promise<void>;
  /** SQL of the time bucket (of `bucketMs`) a timestamp column falls in. */
  bucket: (column: string, bucketMs: number) => string;
};

export const createDialect = (context: DialectContext): Dialect =>
  context.strapi.db.dialect.client === 'postgres' ? createPostgresDialect(context) : createSqliteDialect(context);
