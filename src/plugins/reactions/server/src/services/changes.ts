/**
 * The change feed: the one place every committed change to a tally goes through (`announce`,
 * called by the events service for reader writes and moderation, and by the document
 * lifecycle for purges and publication changes). It drops the tally from every instance's
 * cache and feeds the live stream.
 *
 * - PostgreSQL: `NOTIFY reactions_changes` (sent in the surrounding transaction when there is
 *   one, so it is delivered at commit) and one dedicated LISTEN connection per instance, made
 *   from the app's connection settings rather than taken from the knex pool (a pooled connection
 *   could be recycled, and a LISTEN must stay put). On error it reconnects with backoff and,
 *   once listening again, clears the whole tally cache: notifications sent meanwhile are lost.
 *   This is the change feed's one piece of dialect code outside the store: it owns a
 *   connection, not the plugin's tables.
 * - SQLite (one process per database file): in-process only.
 *
 * This instance's cache and subscribers hear of a change once its transaction commits, never of
 * one rolled back; a subscriber that throws is logged and the others still hear of it.
 * A notification carries the target uid and documentId, nothing about the reader.
 */
import type { Core } from '@strapi/strapi';
import { EventEmitter } from 'events';
import type { Client, ClientConfig } from 'pg';
import { afterCommit } from '../utils/after-commit';
import { runLogged } from '../utils/run-logged';
import { getService } from '../utils/services';

export const CHANGE_CHANNEL = 'reactions_changes';
/** The listener's application_name, so operators (and tests) can find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'reactions-change-feed';

export type Change = { targetUid: string; documentId: string };

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 10000;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const local = new EventEmitter();
  // One listener per open stream hub, not per subscriber: the stream fans out itself.
  local.setMaxListeners(100);
  let client: Client | null = null;
  let listening = false;
  let stopped = true;
  let backoff = MIN_BACKOFF_MS;
  let retryTimer: NodeJS.Timeout | null = null;
  let connects = 0;

  const isPostgres = () => strapi.db.dialect.client === 'postgres';
  const cache = () => getService(strapi, 'tallyCache');

  const deliver = (change: Change) => {
    cache().invalidate(change.targetUid, change.documentId);
    local.emit('change', change);
  };

  const parse = (payload: string | undefined): Change | null => {
    try {
      const value = JSON.parse(String(payload)) as { t?: unknown; d?: unknown };
      return typeof value.t === 'string' && typeof value.d === 'string' ? { targetUid: value.t, documentId: value.d } : null;
    } catch {
      return null;
    }
  };

  const connectionConfig = (): ClientConfig => {
    // The app's own settings (config/database.ts): strapi.db.config keeps them without the password.
    const fromApp = strapi.config.get('database.connection.connection') as unknown;
    const connection = fromApp ?? (strapi.db.config.connection as { connection?: unknown }).connection;
    const settings = (typeof connection === 'object' && connection ? connection : {}) as ClientConfig & { schema?: unknown };
    // `schema` is Strapi's, not pg's; everything else (host, ssl, connectionString, ...) is pg's own.
    const { schema: _schema, ...rest } = settings;
    // Strapi keeps the password non-enumerable (out of logs and dumps): a spread would drop it.
    return { ...rest, password: settings.password, application_name: LISTENER_APPLICATION_NAME, keepAlive: true };
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    const delay = backoff;
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
    retryTimer.unref();
  };

  const dropClient = (failed: Client) => {
    if (client !== failed) return;
    client = null;
    listening = false;
    failed.removeAllListeners('notification');
    void failed.end().catch(() => undefined);
    scheduleReconnect();
  };

  const connect = async () => {
    if (stopped || client) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pg = require('pg') as typeof import('pg');
    const next = new pg.Client(connectionConfig());
    client = next;
    next.on('error', (error: Error) => {
      strapi.log.warn(`Reactions change feed: listener connection lost (${error.message}); reconnecting`);
      dropClient(next);
    });
    next.on('end', () => dropClient(next));
    next.on('notification', (message: { channel: string; payload?: string }) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const change = parse(message.payload);
      if (change) deliver(change);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (client !== next) return;
      listening = true;
      connects += 1;
      backoff = MIN_BACKOFF_MS;
      // Whatever was announced while we were not listening is lost: start from the database.
      cache().clear();
    } catch (error) {
      strapi.log.warn(`Reactions change feed: cannot listen (${(error as Error).message}); retrying`);
      dropClient(next);
    }
  };

  return {
    /** Bootstrap: on PostgreSQL, open this instance's listener. */
    async start(): Promise<void> {
      stopped = false;
      if (isPostgres()) await connect();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const current = client;
      client = null;
      listening = false;
      if (current) {
        current.removeAllListeners('notification');
        await current.end().catch(() => undefined);
      }
      local.removeAllListeners();
    },

    /** A change to this document's tally (or publication): every instance hears of it once it commits. */
    async announce(targetUid: string, documentId: string): Promise<void> {
      // This instance's cache as soon as the change commits (before the caller answers), so its
      // next read sees its own write and no read in between caches the state before it.
      afterCommit(strapi, 'the change feed', () => {
        cache().invalidate(targetUid, documentId);
        // Off the writer's path: subscribers (the live stream) fan out on their own turn.
        if (!isPostgres()) setImmediate(() => local.emit('change', { targetUid, documentId }));
      });
      if (!isPostgres()) return;
      const payload = JSON.stringify({ t: targetUid, d: documentId });
      try {
        // Inside a transaction the notification is delivered at its commit, never before.
        if (strapi.db.inTransaction()) {
          await strapi.db.transaction(({ trx }) => trx.raw('select pg_notify(?, ?)', [CHANGE_CHANNEL, payload]));
        } else {
          await strapi.db.connection.raw('select pg_notify(?, ?)', [CHANGE_CHANNEL, payload]);
        }
      } catch (error) {
        // The write stands; other instances' entries expire within the max-age.
        strapi.log.warn(`Reactions change feed: notify failed (${(error as Error).message})`);
      }
    },

    /** Changes from every instance (this one included); returns the unsubscribe function. */
    subscribe(listener: (change: Change) => void): () => void {
      const guarded = (change: Change) => runLogged(strapi, 'a change feed subscriber', () => listener(change));
      local.on('change', guarded);
      return () => local.off('change', guarded);
    },

    /** For operators and tests: whether the listener is up, and how often it (re)connected. */
    status() {
      return { postgres: isPostgres(), listening, connects, subscribers: local.listenerCount('change') };
    },
  };
};
