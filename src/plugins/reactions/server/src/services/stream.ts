/**
 * Live tallies: `GET /api/reaction-stream?documentIds=a,b` as Server-Sent Events.
 *
 * - One change feed subscription per instance, fan-out in memory: a change to a watched document
 *   is read once (from the tally cache) and written to every stream watching it.
 * - On connect (a reconnect with `Last-Event-ID` included) each stream gets the current tally of
 *   every watched, published document: state, not a replay of what it missed. Then
 *   `event: tally` on changes. Unknown and unpublished ids are ignored, as
 *   `GET /api/reaction-tallies` leaves them out. Every event has an `id:` (increasing per instance).
 * - At most one tally event per document per second of the plugin's clock: the first change
 *   after a quiet second goes out at once; changes within the second are folded into one
 *   trailing event, read after the last of them, so the last state always arrives. Trailing
 *   events due together are read in one go.
 * - Bounded per client: before each write, the bytes not yet handed to the kernel (the body's
 *   buffer, the response's and the socket's) are compared with `streamMaxBufferBytes` (plus the
 *   opening snapshot); past it the stream gets `event: overflow` (it arrives only if the socket
 *   drains, which a stalled reader's does not) and its socket is destroyed, freeing what was
 *   queued. The client reconnects and starts from the state.
 * - A maximum lifetime (`streamMaxLifetimeSeconds` on the plugin clock, ended up to a tenth
 *   early so streams opened together do not return together): the response ends cleanly and
 *   EventSource reconnects.
 * - A `: ping` comment to every stream every `streamHeartbeatSeconds` (at most 25, real time:
 *   it is for proxies' idle timeouts).
 * - The route is scoped to the tally read's action; streams opened on the Public role's
 *   permission are re-checked when a role or permission changes here and at every heartbeat
 *   (changes made through another instance), and end when it is gone.
 * - Limits: `streamConnectionsPerAddress` per client address (an IPv6 /64 counts as one, kept as
 *   a keyed hash) and `streamMaxConnections` per instance (429 past either), at most 100 ids.
 * - Identity-free: no `mine`, no cookie, `Cache-Control: no-store`.
 * - Closing (client gone, server stopping, overflow, lifetime, permission) removes every trace:
 *   subscriber sets, address counts, timers and the feed subscription once the last stream is gone.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ServerResponse } from 'http';
import type { Context } from 'koa';
import { PassThrough } from 'stream';
import { PLUGIN_ID, type Tally } from '../../../shared/contract';
import { PUBLIC_ACCESS_STRATEGY, publicAccessOf } from '../strategies/public-access';
import { addressUnit } from '../utils/client-address';
import { getService } from '../utils/services';
import { getSettings } from '../utils/settings';
import type { Change } from './changes';

/** The stream is the tally read kept open: the same permission governs both. */
export const STREAM_ACTION = `plugin::${PLUGIN_ID}.reactions.tally`;
/** At most one tally event per document within this many milliseconds of the plugin clock. */
export const COALESCE_MS = 1000;
/** Streams end within the last tenth of their lifetime. */
const LIFETIME_JITTER = 0.1;
/** setTimeout's ceiling; a later due time is simply looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Socket errors that only mean the client went away. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const isClientGone = (error: Error | null | undefined) => Boolean(error && CLIENT_GONE.has(String((error as NodeJS.ErrnoException).code)));

type Ending = 'end' | 'drop';

type Subscriber = {
  keys: string[];
  address: string;
  body: PassThrough;
  res: ServerResponse;
  /** Unsent bytes allowed: the configured limit plus the opening snapshot. */
  allowance: number;
  /** When the stream ends, on the plugin clock (ms). */
  endsAt: number;
  /** Opened on the Public role's permission: re-checked when permissions change. */
  viaPublicRole: boolean;
  closed: boolean;
  close: (ending?: Ending) => void;
};

/** Coalescing state of one watched document. */
type DocState = { lastSentAt: number | null; pending: boolean; reading: boolean };

const keyOf = (targetUid: string, documentId: string) => `${targetUid}\u0000${documentId}`;
const documentIdOf = (key: string) => key.slice(key.indexOf('\u0000') + 1);

/** The stream's wire format: the public tally, never `mine`. */
const tallyEvent = (id: string, tally: Tally): string =>
  `id: ${id}\nevent: tally\ndata: ${JSON.stringify({ documentId: tally.documentId, total: tally.total, counts: tally.counts })}\n\n`;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const byKey = new Map<string, Set<Subscriber>>();
  const docs = new Map<string, DocState>();
  const perAddress = new Map<string, number>();
  const subscribers = new Set<Subscriber>();
  // Document ids changed while a stream's first read runs: that stream must not miss them.
  const connecting = new Set<Set<string>>();
  let heartbeat: NodeJS.Timeout | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let tickerAt = Infinity;
  let nextEndAt = Infinity;
  let unsubscribe: Array<() => void> = [];
  let checking = false;
  let checkAgain = false;
  let sent = 0;
  let overflows = 0;
  let peakUnsent = 0;

  const cache = () => getService(strapi, 'tallyCache');
  const now = () => getService(strapi, 'clock').now().getTime();
  // Seeded from the clock so ids keep increasing across restarts; their meaning is "later than".
  let lastId = now();
  const nextId = () => String((lastId += 1));

  const unsentBytes = (subscriber: Subscriber) =>
    subscriber.body.readableLength + subscriber.body.writableLength + subscriber.res.writableLength;

  const overflow = (subscriber: Subscriber) => {
    overflows += 1;
    subscriber.body.write(`id: ${nextId()}\nevent: overflow\ndata: {"reason":"overflow"}\n\n`);
    subscriber.close('drop');
  };

  /** Writes unless this client's unsent bytes would pass its allowance; then cuts it off. */
  const send = (subscriber: Subscriber, chunk: string, isEvent: boolean) => {
    if (subscriber.closed) return;
    const unsent = unsentBytes(subscriber) + Buffer.byteLength(chunk);
    if (unsent > subscriber.allowance) {
      overflow(subscriber);
      return;
    }
    peakUnsent = Math.max(peakUnsent, unsent);
    subscriber.body.write(chunk);
    if (isEvent) sent += 1;
  };

  const isDue = (state: DocState, at: number) =>
    // A clock moved back (tests restoring it) must not hold events until it catches up.
    state.lastSentAt === null || at - state.lastSentAt >= COALESCE_MS || at < state.lastSentAt;

  /** Runs `tick` by the time the earliest pending work falls due (a real timer, for production). */
  const arm = (at: number) => {
    if (subscribers.size === 0 || at >= tickerAt) return;
    if (ticker) clearTimeout(ticker);
    tickerAt = at;
    ticker = setTimeout(
      () => {
        ticker = null;
        tickerAt = Infinity;
        tick();
      },
      Math.min(MAX_TIMER_MS, Math.max(1, at - now()))
    );
    ticker.unref();
  };

  /** Reads these documents' tallies (one read for several) and sends each to its watchers. */
  const emit = async (keys: string[]) => {
    const at = now();
    const states = new Map<string, DocState>();
    for (const key of keys) {
      const state = docs.get(key);
      if (!state) continue;
      state.pending = false;
      state.reading = true;
      state.lastSentAt = at;
      states.set(key, state);
    }
    try {
      const first = keys[0];
      const reads =
        keys.length === 1
          ? [await cache().tally(first.slice(0, first.indexOf('\u0000')), documentIdOf(first))]
          : await cache().tallies(keys.map(documentIdOf));
      for (const read of reads) {
        if (!read) continue;
        const watchers = byKey.get(keyOf(read.targetUid, read.tally.documentId));
        if (!watchers) continue;
        const chunk = tallyEvent(nextId(), read.tally);
        for (const subscriber of [...watchers]) send(subscriber, chunk, true);
      }
    } catch (error) {
      // Tried again a second later: the last state must still arrive.
      for (const state of states.values()) state.pending = true;
      strapi.log.warn(`Reaction stream: could not read a changed tally (${(error as Error).message})`);
    } finally {
      for (const [key, state] of states) {
        state.reading = false;
        // A change during the read: its trailing event falls due a second after this one.
        if (state.pending && docs.get(key) === state) arm((state.lastSentAt ?? at) + COALESCE_MS);
      }
    }
  };

  /** Ends streams past their lifetime and sends trailing events that fell due. */
  const tick = () => {
    const at = now();
    if (at >= nextEndAt) {
      nextEndAt = Infinity;
      for (const subscriber of [...subscribers]) {
        if (at >= subscriber.endsAt) subscriber.close('end');
        else nextEndAt = Math.min(nextEndAt, subscriber.endsAt);
      }
    }
    const due: string[] = [];
    let next = nextEndAt;
    for (const [key, state] of docs) {
      if (!state.pending || state.reading) continue;
      if (isDue(state, at)) due.push(key);
      else next = Math.min(next, (state.lastSentAt ?? at) + COALESCE_MS);
    }
    if (due.length > 0) void emit(due);
    if (next < Infinity) arm(next);
  };

  const onChange = ({ targetUid, documentId }: Change) => {
    for (const changed of connecting) changed.add(documentId);
    const key = keyOf(targetUid, documentId);
    const state = docs.get(key);
    if (!state) return;
    state.pending = true;
    if (state.reading) return;
    if (isDue(state, now())) void emit([key]);
    else arm((state.lastSentAt as number) + COALESCE_MS);
  };

  /** Ends the streams opened on the Public role's permission once that role may no longer read tallies. */
  const recheckPermission = async () => {
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    try {
      do {
        checkAgain = false;
        const access = publicAccessOf(strapi);
        if (!access || ![...subscribers].some((subscriber) => subscriber.viaPublicRole)) return;
        if (await access.publicMay(STREAM_ACTION)) continue;
        for (const subscriber of [...subscribers]) if (subscriber.viaPublicRole) subscriber.close('end');
      } while (checkAgain);
    } catch (error) {
      strapi.log.warn(`Reaction stream: could not re-check the Public role (${(error as Error).message})`);
    } finally {
      checking = false;
    }
  };

  const ensureRunning = () => {
    if (unsubscribe.length === 0) {
      const safeTick = () => {
        try {
          tick();
        } catch (error) {
          strapi.log.warn(`Reaction stream: ${(error as Error).message}`);
        }
      };
      unsubscribe = [
        getService(strapi, 'changes').subscribe(onChange),
        // Work due on the plugin clock also runs when the clock is replaced (tests move it).
        getService(strapi, 'clock').onChange(safeTick),
        publicAccessOf(strapi)?.onInvalidate(() => void recheckPermission()) ?? (() => undefined),
      ];
    }
    if (!heartbeat) {
      heartbeat = setInterval(() => {
        for (const subscriber of [...subscribers]) send(subscriber, ': ping\n\n', false);
        void recheckPermission();
      }, getSettings(strapi).streamHeartbeatSeconds * 1000);
      heartbeat.unref();
    }
  };

  const stopIfIdle = () => {
    if (subscribers.size > 0) return;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    if (ticker) clearTimeout(ticker);
    ticker = null;
    tickerAt = Infinity;
    nextEndAt = Infinity;
    for (const stop of unsubscribe) stop();
    unsubscribe = [];
  };

  const release = (address: string) => {
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left > 0) perAddress.set(address, left);
    else perAddress.delete(address);
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
      // `Last-Event-ID` needs nothing more: every connect starts from the current state.
      const changedMeanwhile = new Set<string>();
      connecting.add(changedMeanwhile);
      let reads;
      try {
        reads = await cache().tallies(documentIds);
      } catch (error) {
        release(address);
        throw error;
      } finally {
        connecting.delete(changedMeanwhile);
      }

      const opening = `retry: 1000\n\n${reads.map((read) => tallyEvent(nextId(), read.tally)).join('')}`;
      const body = new PassThrough();
      const lifetimeMs = settings.streamMaxLifetimeSeconds * 1000 * (1 - LIFETIME_JITTER * Math.random());
      const subscriber: Subscriber = {
        keys: reads.map((read) => keyOf(read.targetUid, read.tally.documentId)),
        address,
        body,
        res: ctx.res,
        allowance: settings.streamMaxBufferBytes + Buffer.byteLength(opening),
        endsAt: now() + lifetimeMs,
        viaPublicRole: (ctx.state.auth as { strategy?: { name?: string } } | undefined)?.strategy?.name === PUBLIC_ACCESS_STRATEGY,
        closed: false,
        close: (ending: Ending = 'end') => {
          if (subscriber.closed) return;
          subscriber.closed = true;
          subscribers.delete(subscriber);
          for (const key of subscriber.keys) {
            const watchers = byKey.get(key);
            watchers?.delete(subscriber);
            if (watchers?.size === 0) {
              byKey.delete(key);
              docs.delete(key);
            }
          }
          release(address);
          ctx.res.off('close', onClose);
          if (ending === 'drop') {
            // What was queued for this client goes now, not when (if ever) it reads again.
            ctx.req.socket.destroy();
            body.destroy();
          } else body.end();
          stopIfIdle();
        },
      };
      const onClose = () => subscriber.close('drop');
      subscribers.add(subscriber);
      for (const key of subscriber.keys) {
        if (!byKey.has(key)) byKey.set(key, new Set());
        byKey.get(key)?.add(subscriber);
        if (!docs.has(key)) docs.set(key, { lastSentAt: null, pending: false, reading: false });
      }
      nextEndAt = Math.min(nextEndAt, subscriber.endsAt);
      ensureRunning();
      arm(subscriber.endsAt);
      ctx.res.on('close', onClose);
      body.on('error', onClose);
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
      // Reconnecting clients wait a second, not EventSource's default three; then the state.
      body.write(opening);
      ctx.body = body;
      if (ctx.res.destroyed || ctx.req.socket.destroyed) {
        subscriber.close('drop');
        return;
      }
      // Changes that came while the first read ran: sent as changes (coalesced like any other).
      for (const key of subscriber.keys) {
        if (changedMeanwhile.has(documentIdOf(key))) onChange({ targetUid: key.slice(0, key.indexOf('\u0000')), documentId: documentIdOf(key) });
      }
    },

    /** Closes every stream (server stopping). */
    closeAll(): void {
      for (const subscriber of [...subscribers]) subscriber.close('end');
    },

    /** For tests and operators: what the hub holds right now, and what it has done. */
    stats() {
      let pending = 0;
      let reading = 0;
      for (const state of docs.values()) {
        if (state.pending) pending += 1;
        if (state.reading) reading += 1;
      }
      let unsent = 0;
      for (const subscriber of subscribers) unsent = Math.max(unsent, unsentBytes(subscriber));
      return {
        streams: subscribers.size,
        documents: byKey.size,
        addresses: perAddress.size,
        heartbeat: heartbeat !== null,
        feedSubscribed: unsubscribe.length > 0,
        reading,
        /** Documents with a trailing event waiting for its second. */
        pending,
        ticker: ticker !== null,
        /** The most unsent bytes any one stream holds now. */
        unsentBytes: unsent,
        /** The most unsent bytes any stream has held right after a write, since start. */
        peakUnsentBytes: peakUnsent,
        /** Tally events written so far (one per stream), and streams cut off for overflowing. */
        sent,
        overflows,
      };
    },
  };
};
