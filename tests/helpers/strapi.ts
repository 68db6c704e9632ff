/**
 * Boots one real Strapi on a fresh database and serves it over real HTTP on loopback.
 * `stop` destroys it; `restart` boots again on the same database (e.g. to prove the unique
 * index survives a restart).
 */
import type { Core } from '@strapi/strapi';
import type { AddressInfo } from 'net';
import path from 'path';
import { createTestDatabase, type TestDatabase } from './database';

export const APP_DIR = path.resolve(__dirname, '..', '..');

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  STRAPI_TELEMETRY_DISABLED: 'true',
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  HOST: '127.0.0.1',
  APP_KEYS: 'test-key-one,test-key-two',
  API_TOKEN_SALT: 'test-api-token-salt',
  ADMIN_JWT_SECRET: 'test-admin-jwt-secret',
  JWT_SECRET: 'test-jwt-secret',
  TRANSFER_TOKEN_SALT: 'test-transfer-token-salt',
  ENCRYPTION_KEY: 'test-encryption-key',
  REACTIONS_RATE_LIMIT: '0',
  REACTIONS_NEW_READERS_PER_ADDRESS: '0',
  SEED_SAMPLE_CONTENT: 'false',
};

export type TestApp = {
  strapi: Core.Strapi;
  url: string;
  database: TestDatabase;
  stop: (options?: { keepDatabase?: boolean }) => Promise<void>;
};

export type BootOptions = {
  env?: Record<string, string>;
  /** Runs after config (plugins' too) is loaded and before register(): stands in for an edit of config/*.ts. */
  configure?: (strapi: Core.Strapi) => void;
  appDir?: string;
  /** Where the compiled app lives; a plain JavaScript app runs from its own folder. */
  distDir?: string;
};

export const bootStrapi = async (
  database: TestDatabase,
  { env = {}, configure, appDir = APP_DIR, distDir = path.join(appDir, 'dist') }: BootOptions = {}
): Promise<TestApp> => {
  Object.assign(process.env, TEST_ENV, database.env, env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = createStrapi({ appDir, distDir });
  if (configure) {
    // Plugins' config is loaded by then, and nothing has read it yet.
    const lifecycles = strapi as unknown as { runPluginsLifecycles: (name: string) => Promise<void> };
    const run = lifecycles.runPluginsLifecycles.bind(strapi);
    lifecycles.runPluginsLifecycles = async (name) => {
      if (name === 'register') configure(strapi);
      return run(name);
    };
  }
  await strapi.load();
  strapi.server.mount();
  const httpServer = strapi.server.httpServer;
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    strapi,
    url: `http://127.0.0.1:${port}`,
    database,
    stop: async ({ keepDatabase = false } = {}) => {
      await strapi.destroy();
      if (!keepDatabase) await database.drop();
    },
  };
};

export const startTestApp = async (label: string, options: BootOptions = {}): Promise<TestApp> =>
  bootStrapi(await createTestDatabase(label), options);
