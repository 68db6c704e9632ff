/**
 * A minimal Server-Sent Events client over node:http, for tests: collects events and comments
 * as they arrive and lets a test wait for a condition on them (never a fixed sleep).
 */
import http from 'http';

export type SseEvent = { event: string; data: string; id?: string };

export type SseStream = {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  /** Raw body text received so far. */
  text: () => string;
  waitFor: <T>(check: () => T | undefined | false, timeoutMs?: number) => Promise<T>;
  close: () => void;
  /** Stops reading (the socket's receive window fills, as a stalled reader's would), and reads again. */
  pause: () => void;
  resume: () => void;
  /** Whether the server ended the response properly (its last chunk), rather than dropping it. */
  complete: () => boolean;
  /** The client's local port: tells this connection apart on the server. */
  localPort: number;
  /** Drops the connection with a TCP reset, as a crashed client or a middlebox would. */
  reset: () => void;
  closed: Promise<void>;
};

export const openSse = (url: string, headers: Record<string, string> = {}): Promise<SseStream> =>
  new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      let raw = '';
      let buffer = '';
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) {
              hasData = true;
              data.push(line.slice(5).trimStart());
            }
          }
          if (hasData) events.push(id === undefined ? { event, data: data.join('\n') } : { event, data: data.join('\n'), id });
          end = buffer.indexOf('\n\n');
        }
        for (const wake of waiters) wake();
      });
      const closed = new Promise<void>((done) => res.on('close', () => done()));
      // A dropped connection is an 'aborted' response; without a listener it would be thrown.
      res.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        text: () => raw,
        closed,
        close: () => req.destroy(),
        pause: () => res.pause(),
        resume: () => res.resume(),
        complete: () => res.complete,
        localPort: req.socket?.localPort ?? 0,
        reset: () => req.socket?.resetAndDestroy(),
        waitFor: <T>(check: () => T | undefined | false, timeoutMs = 5000) =>
          new Promise<T>((done, fail) => {
            const attempt = () => {
              const value = check();
              if (value !== undefined && value !== false) {
                cleanup();
                done(value as T);
              }
            };
            const timer = setTimeout(() => {
              cleanup();
              fail(new Error(`SSE condition not met within ${timeoutMs} ms; received:\n${raw.slice(-2000)}`));
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              waiters.delete(attempt);
            };
            waiters.add(attempt);
            attempt();
          }),
      });
    });
    req.on('error', reject);
  });

/** The tallies received so far for one document, parsed. */
export const talliesOf = (stream: SseStream, documentId: string) =>
  stream.events
    .filter((event) => event.event === 'tally')
    .map((event) => JSON.parse(event.data) as { documentId: string; total: number; counts: Record<string, number> })
    .filter((tally) => tally.documentId === documentId);
