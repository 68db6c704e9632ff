/**
 * Live tallies: `GET /api/reaction-stream?documentIds=a,b` as Server-Sent Events.
 *
 * - One change feed subscription per instance, fan-out in memory: a change to a watched document
 *   is read once (from the tally cache) and written to every stream watching it; changes that
 *   arrive while that read runs are folded into one more read.
 * - On connect each stream gets the current tally of every watched, published document (so a
 *   page needs no separate read to start from), then `event: tally` on every change. Unknown and
 *   unpublished ids are ignored, as `GET /api/reaction-tallies` leaves them out.
 * - One heartbeat timer per instance writes `: ping` to every stream every
 *   `streamHeartbeatSeconds`; it runs only while streams are open.
 * - Limits: `streamConnectionsPerAddress` per client address (an IPv6 /64 counts as one, kept as
 *   a keyed hash) and `streamMaxConnections` per instance (429 past either), at most 100 ids.
 * - Identity-free: no `mine`, no cookie, `Cache-Control: no-store`.
 * - Closing (client gone, server stopping) removes every trace: subscriber sets, address counts,
 *   the heartbeat and the feed subscription once the last stream is gone.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { PassThrough } from 'stream';
import type { Tally } from '../../../shared/contract';
import { addressUnit } from '../utils/client-address';
import { getService } from '../utils/services';
import { getSettings } from '../utils/settings';
import type { Change } from './changes';

/** Socket errors that only mean the client went away. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const isClientGone = (error: Error | null | undefined) => Boolean(error && CLIENT_GONE.has(String((error as NodeJS.ErrnoException).code)));

type Subscriber = { keys: string[]; address: string; body: PassThrough; close: () => void };

const keyOf = (targetUid: string, documentId: string) => `${targetUid}\u0000${documentId}`;

/** The stream's wire format: the public tally, never `mine`. */
const tallyEvent = (tally: Tally): string =>
  `event: tally\ndata: ${JSON.stringify({ documentId: tally.documentId, total: tally.total, counts: tally.counts })}\n\n`;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const byKey = new Map<string, Set<Subscriber>>();
  const perAddress = new Map<string, number>();
  const subscribers = new Set<Subscriber>();
  // Documents being read for a change, and whether another change came meanwhile.
  const reading = new Map<string, boolean>();
  let heartbeat: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;

  const cache = () => getService(strapi, 'tallyCache');

  const broadcast = async ({ targetUid, documentId }: Change) => {
    const key = keyOf(targetUid, documentId);
    if (!byKey.has(key)) return;
    if (reading.has(key)) {
      reading.set(key, true);
      return;
    }
    reading.set(key, false);
    try {
      do {
        reading.set(key, false);
        const read = await cache().tally(targetUid, documentId);
        const watchers = byKey.get(key);
        if (!read || !watchers) continue;
        const chunk = tallyEvent(read.tally);
        for (const subscriber of watchers) subscriber.body.write(chunk);
      } while (reading.get(key) === true);
    } catch (error) {
      strapi.log.warn(`Reaction stream: could not read a changed tally (${(error as Error).message})`);
    } finally {
      reading.delete(key);
    }
  };

  const ensureRunning = () => {
    if (!unsubscribe) unsubscribe = getService(strapi, 'changes').subscribe((change) => void broadcast(change));
    if (!heartbeat) {
      heartbeat = setInterval(() => {
        for (const subscriber of subscribers) subscriber.body.write(': ping\n\n');
      }, getSettings(strapi).streamHeartbeatSeconds * 1000);
      heartbeat.unref();
    }
  };

  const stopIfIdle = () => {
    if (subscribers.size > 0) return;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    unsubscribe?.();
    unsubscribe = null;
  };

  const refuse = (ctx: Context, message: string): never => {
    ctx.set('Retry-After', '10');
    throw new errors.RateLimitError(message, { retryAfter: 10 });
  };

  return {
    /** Answers the request with a stream of the documents' tallies (the controller's whole job). */
    async open(ctx: Context, documentIds: string[]): Promise<void> {
      const settings = getSettings(strapi);
      const address = getService(strapi, 'readers').addressKey(addressUnit(ctx.ip));
      const held = perAddress.get(address) ?? 0;
      if (settings.streamConnectionsPerAddress > 0 && held >= settings.streamConnectionsPerAddress) {
        refuse(ctx, 'Too many live streams from this address; close one first.');
      }
      if (subscribers.size >= settings.streamMaxConnections) refuse(ctx, 'Too many live streams on this server; try again later.');
      // Counted before the first await, so parallel connects cannot all slip under the limit.
      perAddress.set(address, held + 1);
      let reads;
      try {
        reads = await cache().tallies(documentIds);
      } catch (error) {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
        throw error;
      }

      const body = new PassThrough();
      let closed = false;
      const subscriber: Subscriber = {
        keys: reads.map((read) => keyOf(read.targetUid, read.tally.documentId)),
        address,
        body,
        close: () => {
          if (closed) return;
          closed = true;
          subscribers.delete(subscriber);
          for (const key of subscriber.keys) {
            const watchers = byKey.get(key);
            watchers?.delete(subscriber);
            if (watchers?.size === 0) byKey.delete(key);
          }
          const left = (perAddress.get(address) ?? 1) - 1;
          if (left > 0) perAddress.set(address, left);
          else perAddress.delete(address);
          ctx.res.off('close', subscriber.close);
          body.end();
          stopIfIdle();
        },
      };
      subscribers.add(subscriber);
      for (const key of subscriber.keys) {
        if (!byKey.has(key)) byKey.set(key, new Set());
        byKey.get(key)?.add(subscriber);
      }
      ensureRunning();
      ctx.res.on('close', subscriber.close);
      body.on('error', subscriber.close);
      // A reader who leaves by resetting the connection has only disconnected: koa would report
      // the socket error as an application error (a log line per reader); anything else still is.
      const reportError = ctx.onerror.bind(ctx);
      ctx.onerror = (error: Error) => {
        if (isClientGone(error)) return;
        reportError(error);
      };

      // A long-lived response: no socket timeout, no buffering by proxies, no caching anywhere.
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.req.socket.setKeepAlive(true);
      ctx.status = 200;
      ctx.type = 'text/event-stream; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Accel-Buffering', 'no');
      ctx.set('Connection', 'keep-alive');
      // Reconnecting clients wait a second, not EventSource's default three.
      body.write('retry: 1000\n\n');
      for (const read of reads) body.write(tallyEvent(read.tally));
      ctx.body = body;
      if (ctx.res.destroyed || ctx.req.socket.destroyed) subscriber.close();
    },

    /** Closes every stream (server stopping). */
    closeAll(): void {
      for (const subscriber of [...subscribers]) subscriber.close();
    },

    /** For tests and operators: what the hub holds right now. */
    stats() {
      return {
        streams: subscribers.size,
        documents: byKey.size,
        addresses: perAddress.size,
        heartbeat: heartbeat !== null,
        feedSubscribed: unsubscribe !== null,
        reading: reading.size,
      };
    },
  };
};
