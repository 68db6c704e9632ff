/**
 * One live stream's response: its headers, its writes and its closing.
 *
 * Bounded per client: before each write, the bytes not yet handed to the kernel (the body's
 * buffer, the response's and the socket's) are compared with the stream's allowance
 * (`streamMaxBufferBytes` plus the opening snapshot); past it the stream gets `event: overflow`
 * (it arrives only if the socket drains, which a stalled reader's does not) and its socket is
 * destroyed, freeing what was queued. The client reconnects and starts from the state.
 */
import type { Context } from 'koa';
import { PassThrough } from 'stream';
import type { Tally } from '../../../../shared/contract';

/** Socket errors that only mean the client went away. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const isClientGone = (error: Error | null | undefined) => Boolean(error && CLIENT_GONE.has(String((error as NodeJS.ErrnoException).code)));

/** `end`: the response ends cleanly; `drop`: the socket is destroyed with whatever was queued. */
export type Ending = 'end' | 'drop';

/** What the hub's streams have done, together (reported by its `stats()`). */
export type StreamMeter = { sent: number; overflows: number; peakUnsent: number };

/** The stream's wire format: the public tally, never `mine`. */
export const tallyEvent = (id: string, tally: Tally): string =>
  `id: ${id}\nevent: tally\ndata: ${JSON.stringify({ documentId: tally.documentId, total: tally.total, counts: tally.counts })}\n\n`;

export type Connection = {
  readonly keys: string[];
  readonly address: string;
  /** When the stream ends, on the plugin clock (ms). */
  readonly endsAt: number;
  /** Opened on the Public role's permission: re-checked when permissions change. */
  readonly viaPublicRole: boolean;
  /** Bytes written and not yet handed to the kernel. */
  unsentBytes: () => number;
  /** Writes unless this client's unsent bytes would pass its allowance; then cuts it off. */
  send: (chunk: string, isEvent: boolean) => void;
  /** Sets up the response and writes the opening; false if the client had already gone. */
  start: (opening: string) => boolean;
  close: (ending?: Ending) => void;
};

type ConnectionOptions = {
  keys: string[];
  address: string;
  /** Unsent bytes allowed: the configured limit plus the opening snapshot. */
  allowance: number;
  endsAt: number;
  viaPublicRole: boolean;
  meter: StreamMeter;
  nextId: () => string;
  /** Removes the stream from the hub (before its socket is ended). */
  detach: (connection: Connection) => void;
  /** Runs last on closing (the hub stops its timers once no stream is left). */
  afterClose: () => void;
};

export const createConnection = (ctx: Context, options: ConnectionOptions): Connection => {
  const { allowance, meter, nextId } = options;
  const body = new PassThrough();
  const res = ctx.res;
  let closed = false;

  const unsentBytes = () => body.readableLength + body.writableLength + res.writableLength;

  const overflow = () => {
    meter.overflows += 1;
    body.write(`id: ${nextId()}\nevent: overflow\ndata: {"reason":"overflow"}\n\n`);
    connection.close('drop');
  };

  const onClose = () => connection.close('drop');

  const connection: Connection = {
    keys: options.keys,
    address: options.address,
    endsAt: options.endsAt,
    viaPublicRole: options.viaPublicRole,
    unsentBytes,

    send(chunk, isEvent) {
      if (closed) return;
      const unsent = unsentBytes() + Buffer.byteLength(chunk);
      if (unsent > allowance) {
        overflow();
        return;
      }
      meter.peakUnsent = Math.max(meter.peakUnsent, unsent);
      body.write(chunk);
      if (isEvent) meter.sent += 1;
    },

    start(opening) {
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
      body.write(opening);
      ctx.body = body;
      if (ctx.res.destroyed || ctx.req.socket.destroyed) {
        connection.close('drop');
        return false;
      }
      return true;
    },

    close(ending: Ending = 'end') {
      if (closed) return;
      closed = true;
      options.detach(connection);
      ctx.res.off('close', onClose);
      if (ending === 'drop') {
        // What was queued for this client goes now, not when (if ever) it reads again.
        ctx.req.socket.destroy();
        body.destroy();
      } else body.end();
      options.afterClose();
    },
  };
  return connection;
};
