/**
 * Live tallies: `GET /api/reaction-stream?documentIds=a,b` as Server-Sent Events; this is the
 * hub (the `stream` service), with each stream's response in connection.ts and the per-document
 * rate in coalescer.ts.
 *
 * - One change feed subscription per instance, fan-out in memory: a change to a watched document
 *   is read once (from the tally cache) and written to every stream watching it.
 * - On connect (a reconnect with `Last-Event-ID` included) each stream gets the current tally of
 *   every watched, published document: state, not a replay of what it missed. Then
 *   `event: tally` on changes, at most one per document per second (coalescer.ts). Unknown and
 *   unpublished ids are ignored, as `GET /api/reaction-tallies` leaves them out. Every event has
 *   an `id:` (increasing per instance).
 * - Bounded per client by unsent bytes, past which `event: overflow` and the socket is destroyed
 *   (connection.ts).
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
import type { Context } from 'koa';
import { PLUGIN_ID } from '../../../../shared/contract';
import { PUBLIC_ACCESS_STRATEGY, publicAccessOf } from '../../strategies/public-access';
import { addressUnit } from '../../utils/client-address';
import { getService } from '../../utils/services';
import { getSettings } from '../../utils/settings';
import type { Change } from '../changes';
import type { PublicRead } from '../tally-cache';
import { createCoalescer, documentIdOf, keyOf, targetUidOf } from './coalescer';
import { createConnection, tallyEvent, type Connection, type StreamMeter } from './connection';

export { COALESCE_MS } from './coalescer';

/** The stream is the tally read kept open: the same permission governs both. */
export const STREAM_ACTION = `plugin::${PLUGIN_ID}.reactions.tally`;
/** Streams end within the last tenth of their lifetime. */
const LIFETIME_JITTER = 0.1;
/** setTimeout's ceiling; a later due time is simply looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const byKey = new Map<string, Set<Connection>>();
  const perAddress = new Map<string, number>();
  const subscribers = new Set<Connection>();
  // Document ids changed while a stream's first read runs: that stream must not miss them.
  const connecting = new Set<Set<string>>();
  let heartbeat: NodeJS.Timeout | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let tickerAt = Infinity;
  let nextEndAt = Infinity;
  let unsubscribe: Array<() => void> = [];
  let checking = false;
  let checkAgain = false;
  const meter: StreamMeter = { sent: 0, overflows: 0, peakUnsent: 0 };

  const cache = () => getService(strapi, 'tallyCache');
  const now = () => getService(strapi, 'clock').now().getTime();
  // Seeded from the clock so ids keep increasing across restarts; their meaning is "later than".
  let lastId = now();
  const nextId = () => String((lastId += 1));

  /** Writes a changed tally to every stream watching its document. */
  const publish = (read: PublicRead) => {
    const watchers = byKey.get(keyOf(read.targetUid, read.tally.documentId));
    if (!watchers) return;
    const chunk = tallyEvent(nextId(), read.tally);
    for (const subscriber of [...watchers]) subscriber.send(chunk, true);
  };

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

  const coalescer = createCoalescer({ strapi, now, arm, publish });

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
    const next = Math.min(nextEndAt, coalescer.flush(at));
    if (next < Infinity) arm(next);
  };

  const onChange = ({ targetUid, documentId }: Change) => {
    for (const changed of connecting) changed.add(documentId);
    coalescer.changed(keyOf(targetUid, documentId));
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
        for (const subscriber of [...subscribers]) subscriber.send(': ping\n\n', false);
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

  /** Removes a closing stream from every set, and its documents no other stream watches. */
  const detach = (subscriber: Connection) => {
    subscribers.delete(subscriber);
    for (const key of subscriber.keys) {
      const watchers = byKey.get(key);
      watchers?.delete(subscriber);
      if (watchers?.size === 0) {
        byKey.delete(key);
        coalescer.forget(key);
      }
    }
    release(subscriber.address);
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

      // Reconnecting clients wait a second, not EventSource's default three; then the state.
      const opening = `retry: 1000\n\n${reads.map((read) => tallyEvent(nextId(), read.tally)).join('')}`;
      const lifetimeMs = settings.streamMaxLifetimeSeconds * 1000 * (1 - LIFETIME_JITTER * Math.random());
      const subscriber = createConnection(ctx, {
        keys: reads.map((read) => keyOf(read.targetUid, read.tally.documentId)),
        address,
        allowance: settings.streamMaxBufferBytes + Buffer.byteLength(opening),
        endsAt: now() + lifetimeMs,
        viaPublicRole: (ctx.state.auth as { strategy?: { name?: string } } | undefined)?.strategy?.name === PUBLIC_ACCESS_STRATEGY,
        meter,
        nextId,
        detach,
        afterClose: stopIfIdle,
      });
      subscribers.add(subscriber);
      for (const key of subscriber.keys) {
        if (!byKey.has(key)) byKey.set(key, new Set());
        byKey.get(key)?.add(subscriber);
        coalescer.watch(key);
      }
      nextEndAt = Math.min(nextEndAt, subscriber.endsAt);
      ensureRunning();
      arm(subscriber.endsAt);
      if (!subscriber.start(opening)) return;
      // Changes that came while the first read ran: sent as changes (coalesced like any other).
      for (const key of subscriber.keys) {
        if (changedMeanwhile.has(documentIdOf(key))) onChange({ targetUid: targetUidOf(key), documentId: documentIdOf(key) });
      }
    },

    /** Closes every stream (server stopping). */
    closeAll(): void {
      for (const subscriber of [...subscribers]) subscriber.close('end');
    },

    /** For tests and operators: what the hub holds right now, and what it has done. */
    stats() {
      const { pending, reading } = coalescer.counts();
      let unsent = 0;
      for (const subscriber of subscribers) unsent = Math.max(unsent, subscriber.unsentBytes());
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
        peakUnsentBytes: meter.peakUnsent,
        /** Tally events written so far (one per stream), and streams cut off for overflowing. */
        sent: meter.sent,
        overflows: meter.overflows,
      };
    },
  };
};
