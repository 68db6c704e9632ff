/**
 * The plugin's tables carry its prefix (`reader_reactions`, `reader_reaction_counters`,
 * `reader_reaction_settings` and the reactions' link tables), so a host's own `reaction` type
 * never collides with them. Databases written before kept the unprefixed names: this migration
 * renames them, once, before Strapi syncs the schema. A table is renamed only when it is
 * recognisably the plugin's (its own columns) and the prefixed one does not exist yet, so a
 * host's own `reactions` table is never touched. Renames keep every row, key and index.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { REACTION_UID } from '../../../shared/contract';

type Database = Core.Strapi['db'];
type Rename = { from: string; to: string; columns: string[] };

export const PREFIXED_TABLES_MIGRATION = 'reader-reactions-prefixed-tables';

const TABLES: Rename[] = [
  { from: 'reactions', to: 'reader_reactions', columns: ['reader_key', 'target_type', 'target_document_id', 'kind'] },
  { from: 'reaction_counters', to: 'reader_reaction_counters', columns: ['target_type', 'target_document_id', 'kind', 'count'] },
  { from: 'reaction_settings', to: 'reader_reaction_settings', columns: ['target_type', 'target_document_id', 'closed'] },
];

/** The Reaction's link tables (one per relation), by their names with and without the prefix. */
const linkTables = (db: Database): Rename[] => {
  const attributes = db.metadata.get(REACTION_UID).attributes as Record<string, { joinTable?: { name: string } }>;
  return Object.values(attributes)
    .map((attribute) => attribute.joinTable?.name)
    .filter((name): name is string => Boolean(name?.startsWith('reader_reactions_')))
    .map((name) => ({ from: name.slice('reader_'.length), to: name, columns: [] }));
};

const isOurs = async (knex: Knex, { from, to, columns }: Rename): Promise<boolean> => {
  if (!(await knex.schema.hasTable(from)) || (await knex.schema.hasTable(to))) return false;
  for (const column of columns) if (!(await knex.schema.hasColumn(from, column))) return false;
  return true;
};

export const prefixedTablesMigration = {
  name: PREFIXED_TABLES_MIGRATION,
  async up(knex: Knex, db: Database) {
    const [reactions, ...others] = TABLES;
    // The reactions table decides: without the plugin's own, a `reactions_*_lnk` is the host's.
    if (!(await isOurs(knex, reactions))) return;
    for (const table of [reactions, ...others, ...linkTables(db)]) {
      if (table === reactions || (await isOurs(knex, table))) await knex.schema.renameTable(table.from, table.to);
    }
  },
  async down() {
    // Older versions of the plugin read the unprefixed names; downgrading is not supported.
  },
};

/** Registered in register: Strapi runs internal migrations before it syncs the schema. */
export const registerPrefixedTablesMigration = (strapi: Core.Strapi) => {
  strapi.db.migrations.providers.internal.register(prefixedTablesMigration as never);
};
