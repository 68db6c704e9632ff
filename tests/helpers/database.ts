/**
 * A fresh database for each booted Strapi: a temporary SQLite file, or, with
 * DATABASE_CLIENT=postgres, a new PostgreSQL database on the server the environment names
 * (DATABASE_HOST/PORT/USERNAME/PASSWORD; `npm test` starts a throwaway one when no
 * DATABASE_HOST is given, through scripts/with-postgres.mjs).
 */
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';

export const isPostgres = () => process.env.DATABASE_CLIENT === 'postgres';

export type TestDatabase = { env: Record<string, string>; drop: () => Promise<void>; name: string };

const adminClient = () =>
  new Client({
    host: process.env.DATABASE_HOST || '127.0.0.1',
    port: Number(process.env.DATABASE_PORT || 5432),
    user: process.env.DATABASE_USERNAME || 'strapi',
    password: process.env.DATABASE_PASSWORD || 'strapi',
    database: process.env.DATABASE_ADMIN_DB || 'postgres',
  });

/** Connects, and says how to get a server when there is none at the default address. */
const connect = async (client: Client) => {
  try {
    await client.connect();
  } catch (error) {
    if (process.env.DATABASE_HOST) throw error;
    throw new Error(
      `No PostgreSQL server at ${client.host}:${client.port} (${(error as Error).message}). Name one with ` +
        'DATABASE_HOST/PORT/USERNAME/PASSWORD, or run under a throwaway one: ' +
        'DATABASE_CLIENT=postgres node scripts/with-postgres.mjs npx jest ...'
    );
  }
};

/**
 * Drops a test database. Not `WITH (FORCE)`: for a role that is not superuser, FORCE fails when an
 * autovacuum worker happens to be in the database (it belongs to no role the caller is a member of).
 * Our own leftover sessions are ended first; plain DROP waits out autovacuum itself, and a session
 * still closing is retried for a few seconds.
 */
const dropDatabase = async (name: string) => {
  const client = adminClient();
  await connect(client);
  try {
    for (let attempt = 1; ; attempt += 1) {
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND usename = current_user',
        [name]
      );
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}"`);
        return;
      } catch (error) {
        // 55006: object_in_use, "database is being accessed by other users".
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await client.end();
  }
};

export const createTestDatabase = async (label: string): Promise<TestDatabase> => {
  const suffix = crypto.randomBytes(4).toString('hex');
  if (isPostgres()) {
    const name = `reactions_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix}`;
    const client = adminClient();
    await connect(client);
    await client.query(`CREATE DATABASE "${name}"`);
    await client.end();
    return {
      name,
      env: { DATABASE_CLIENT: 'postgres', DATABASE_NAME: name },
      drop: () => dropDatabase(name),
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `reactions-${label}-`));
  const filename = path.join(dir, 'data.db');
  return {
    name: filename,
    env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: filename },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};
