/**
 * The store: the plugin's storage behind one service, composed of one repository per table
 * (repositories/) and one dialect per database (repositories/dialects/). It decides nothing: the
 * rules service decides what to do and turns a repository's StoreError into Strapi's HTTP errors.
 *
 * Where to look:
 * - table and column names: repositories/tables.ts;
 * - a reader's set, clear and moderation's removals: repositories/reactions.ts;
 * - the SQL that differs per database (e.g. PostgreSQL's one-statement switch, its reader locks):
 *   repositories/dialects/<database>.ts;
 * - counters and reconcile: repositories/counters.ts; own reactions and claim:
 *   repositories/own-reactions.ts; settings, trends, the targets' documents: their own files.
 */
import type { Core } from '@strapi/strapi';
import { createCountersRepository } from '../repositories/counters';
import { createDialect, type Dialect } from '../repositories/dialects';
import { createDocumentsRepository } from '../repositories/documents';
import { createOwnReactionsRepository } from '../repositories/own-reactions';
import { createReactionsRepository } from '../repositories/reactions';
import { createSettingsRepository } from '../repositories/settings';
import { createRead } from '../repositories/sql';
import { createTables } from '../repositories/tables';
import { createTrendsRepository } from '../repositories/trends';
import type { Target } from '../utils/settings';
import { getService } from '../utils/services';

export type * from '../repositories/types';
export { byCodeUnits, StoreError } from '../repositories/sql';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const isPostgres = () => strapi.db.dialect.client === 'postgres';
  // Reactions are stamped by the plugin's clock, so tests can place them in time (trends).
  const clockNow = () => getService(strapi, 'clock').now();
  const tables = createTables(strapi);
  const read = createRead(strapi);
  // The database is known once Strapi has connected, after services are created: chosen on first use.
  let chosen: Dialect | null = null;
  const dialect = (): Dialect => (chosen ??= createDialect({ strapi, tables, clockNow, ...counters }));
  const counters = createCountersRepository(strapi, tables, read, dialect);
  const documents = createDocumentsRepository(tables, read, dialect);
  const settings = createSettingsRepository(tables, read, () => strapi.db.connection, clockNow);
  const reactions = createReactionsRepository({ strapi, tables, read, dialect, counters, documents, clockNow });
  const ownReactions = createOwnReactionsRepository(strapi, tables, read, dialect, reactions);
  const trends = createTrendsRepository(tables, read, dialect);

  return {
    isPostgres,
    versions: documents.versions,
    publishedIds: documents.publishedIds,
    countVersions: documents.countVersions,
    labels: documents.labels,
    firstCreatedAt: documents.firstCreatedAt,
    counters: counters.counters,
    reconcile: counters.reconcile,
    readerKinds: reactions.readerKinds,
    set: reactions.set,
    clear: reactions.clear,
    removeByIds: reactions.removeByIds,
    ownReactions: ownReactions.ownReactions,
    removeReader: ownReactions.removeReader,
    claim: ownReactions.claim,
    trending: trends.trending,
    series: trends.series,
    settings: settings.settings,
    saveSetting: settings.saveSetting,

    /** Forgets every reaction, counter and setting of a document that no longer exists in any version. */
    async purgeDocument(targetUid: string, documentId: string, targets: Target[]): Promise<void> {
      await strapi.db.transaction(async ({ trx }) => {
        await reactions.deleteDocument(trx, targetUid, documentId, targets);
        await counters.deleteDocument(trx, targetUid, documentId);
        await settings.deleteDocument(trx, targetUid, documentId);
      });
    },
  };
};
