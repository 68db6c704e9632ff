/**
 * A production server process on a database prepared in-process: content is written through the
 * Document Service (drafts, locales, API tokens), then the database is served by `strapi start`
 * with NODE_ENV=production, as an attacker would meet it.
 */
import type { Core } from '@strapi/strapi';
import { createTestDatabase, type TestDatabase } from './database';
import { startServerProcess, type ServerProcess } from './server-process';
import { bootStrapi } from './strapi';

export type SeededServer<T> = { server: ServerProcess; database: TestDatabase; seeded: T; stop: () => Promise<void> };

export const startSeededServer = async <T>(
  label: string,
  seed: (strapi: Core.Strapi) => Promise<T>,
  env: Record<string, string> = {}
): Promise<SeededServer<T>> => {
  const database = await createTestDatabase(label);
  const app = await bootStrapi(database);
  const seeded = await seed(app.strapi);
  await app.stop({ keepDatabase: true });
  const server = await startServerProcess({ ...database.env, ...env });
  return {
    server,
    database,
    seeded,
    stop: async () => {
      await server.stop();
      await database.drop();
    },
  };
};

/** A full-access API token, as a preview tool would hold. */
export const createApiToken = async (strapi: Core.Strapi, name = 'preview'): Promise<string> => {
  const token = await strapi.service('admin::api-token').create({ name, type: 'full-access', lifespan: null, description: '' });
  return token.accessKey as string;
};

/** The stored reaction rows of a document, read straight from the database a server process uses. */
export const storedRowsOf = async (database: TestDatabase, documentId: string): Promise<Array<{ kind: string; reader_key: string }>> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const knex = require('knex') as typeof import('knex').knex;
  const env = database.env;
  const db =
    env.DATABASE_CLIENT === 'postgres'
      ? knex({
          client: 'pg',
          connection: {
            host: process.env.DATABASE_HOST || '127.0.0.1',
            port: Number(process.env.DATABASE_PORT || 5432),
            user: process.env.DATABASE_USERNAME || 'strapi',
            password: process.env.DATABASE_PASSWORD || 'strapi',
            database: env.DATABASE_NAME,
          },
        })
      : knex({ client: 'better-sqlite3', connection: { filename: env.DATABASE_FILENAME }, useNullAsDefault: true });
  try {
    return await db('reader_reactions').select('kind', 'reader_key').where('target_document_id', documentId);
  } finally {
    await db.destroy();
  }
};
