import path from 'path';
import type { Core } from '@strapi/strapi';

type SqliteConnection = {
  pragma?: (statement: string) => unknown;
};

export default ({ env }: Core.Config.Shared.ConfigParams) => {
  const client = env('DATABASE_CLIENT', 'sqlite');

  if (client === 'postgres') {
    return {
      connection: {
        client: 'postgres',
        connection: {
          connectionString: env('DATABASE_URL', '') || undefined,
          host: env('DATABASE_HOST', '127.0.0.1'),
          port: env.int('DATABASE_PORT', 5432),
          database: env('DATABASE_NAME', 'strapi'),
          user: env('DATABASE_USERNAME', 'strapi'),
          password: env('DATABASE_PASSWORD', 'strapi'),
          ssl: env.bool('DATABASE_SSL', false) ? { rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', true) } : false,
          schema: env('DATABASE_SCHEMA', 'public'),
        },
        pool: { min: env.int('DATABASE_POOL_MIN', 2), max: env.int('DATABASE_POOL_MAX', 10) },
        acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000),
      },
    };
  }

  return {
    connection: {
      client: 'sqlite',
      connection: {
        filename: path.resolve(process.cwd(), env('DATABASE_FILENAME', '.tmp/data.db')),
      },
      useNullAsDefault: true,
      pool: {
        // Strapi opens SQLite in rollback-journal mode; WAL lets readers run during a write,
        // and the busy timeout makes a second writer wait instead of failing with SQLITE_BUSY.
        afterCreate(connection: SqliteConnection, done: (error: Error | null, connection: SqliteConnection) => void) {
          try {
            connection.pragma?.('journal_mode = WAL');
            connection.pragma?.(`busy_timeout = ${env.int('DATABASE_BUSY_TIMEOUT', 10000)}`);
            connection.pragma?.('synchronous = NORMAL');
            done(null, connection);
          } catch (error) {
            done(error as Error, connection);
          }
        },
      },
    },
  };
};
