/**
 * The live stream's bounds, on one instance over real sockets: a reader who stops reading is cut
 * off once its unsent bytes pass the limit (its memory freed); a stream ends after its maximum
 * lifetime; a burst of changes to one document becomes at most one event a second with the last
 * state always sent; every event has an `id:` and a reconnect with Last-Event-ID starts from the
 * current state; revoking the Public role's `tally` refuses new streams and closes open ones.
 *
 * Time is the plugin's clock, held and moved by the tests: nothing here sleeps or measures the
 * wall clock. Waits are for explicit events (the stream's data, the hub's counters).
 */
import type { Socket } from 'net';
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticle, createArticles, getTally, newAnonymousReader, putReaction, settleChangeFeed } from './helpers/content';
import { openSse, talliesOf, type SseStream } from './helpers/sse';

const MAX_BUFFER_BYTES = 4096;
const MAX_LIFETIME_SECONDS = 60;
const ARTICLE = 'api::article.article';

type StreamStats = {
  streams: number;
  documents: number;
  addresses: number;
  pending: number;
  reading: number;
  unsentBytes: number;
  peakUnsentBytes: number;
  sent: number;
  overflows: number;
};
type Clock = { now: () => Date; use: (source: (() => Date) | null) => void };
type Feed = { announce: (targetUid: string, documentId: string) => Promise<void> };

let app: TestApp;
let url: string;
const open: SseStream[] = [];
/** Server side of each connection, by the client's port. */
const serverSockets = new Map<number, Socket>();

const stats = () => (app.strapi.plugin('reactions').service('stream') as { stats: () => StreamStats }).stats();
const clock = () => app.strapi.plugin('reactions').service('clock') as Clock;
const feed = () => app.strapi.plugin('reactions').service('changes') as Feed;

let heldAt = 0;
/** Stops the plugin's clock where it is. */
const holdClock = () => {
  heldAt = clock().now().getTime();
  const at = heldAt;
  clock().use(() => new Date(at));
};
/** Moves the held clock forward. */
const advanceClock = (ms: number) => {
  heldAt += ms;
  const at = heldAt;
  clock().use(() => new Date(at));
};

const connect = async (query: string, headers: Record<string, string> = {}) => {
  const stream = await openSse(`${url}/api/reaction-stream?${query}`, headers);
  open.push(stream);
  return stream;
};

/** Resolves once `check` holds, looking again after each turn of the event loop (no timer). */
const until = async (check: () => boolean, what: string) => {
  // A guard against hanging forever, not a speed bound.
  for (let turns = 0; !check(); turns += 1) {
    if (turns > 2_000_000) throw new Error(`never happened: ${what}; hub: ${JSON.stringify(stats())}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

const liveEvents = (stream: SseStream, snapshot: number) => stream.events.slice(snapshot);

beforeAll(async () => {
  app = await startTestApp('live-bounds', {
    env: { REACTIONS_STREAM_MAX_BUFFER_BYTES: String(MAX_BUFFER_BYTES), REACTIONS_STREAM_MAX_LIFETIME_SECONDS: String(MAX_LIFETIME_SECONDS) },
  });
  url = app.url;
  app.strapi.server.httpServer.on('connection', (socket: Socket) => {
    if (socket.remotePort) serverSockets.set(socket.remotePort, socket);
  });
});
afterEach(async () => {
  clock().use(null);
  for (const stream of open.splice(0)) stream.close();
  await until(() => stats().streams === 0 && stats().addresses === 0, 'every stream closed');
});
afterAll(async () => {
  await app?.stop();
});

describe('the live stream: bounded per client', () => {
  it('closes the stream of a reader who stopped reading once its unsent bytes pass the limit, and frees them', async () => {
    const ids = await createArticles(app.strapi, 50);
    // The rounds below move the clock a second each: this stream must not reach its lifetime first.
    const config = app.strapi.config.get('plugin::reactions') as { streamMaxLifetimeSeconds: number };
    config.streamMaxLifetimeSeconds = 1_000_000;
    const stalled = await connect(`documentIds=${ids.join(',')}`).finally(() => {
      config.streamMaxLifetimeSeconds = MAX_LIFETIME_SECONDS;
    });
    expect(stalled.status).toBe(200);
    await stalled.waitFor(() => ids.every((id) => talliesOf(stalled, id).length === 1));
    const snapshotBytes = stalled.text().length;
    const serverSocket = serverSockets.get(stalled.localPort);
    expect(serverSocket).toBeDefined();
    const socket = serverSocket as Socket;
    stalled.pause();

    holdClock();
    // One change per document: the first events go out at once (nothing was sent for them yet).
    const start = stats().sent;
    await Promise.all(ids.map((id) => feed().announce(ARTICLE, id)));
    await until(() => stats().sent >= start + ids.length, 'the first events');

    // Then rounds: a change to every document within one second of the clock (held, so all are
    // coalesced into trailing events), then the clock moves on and the trailing events go out.
    let rounds = 0;
    while (stats().streams > 0) {
      rounds += 1;
      if (rounds > 5000) throw new Error(`still open after ${rounds} rounds: ${JSON.stringify(stats())}`);
      const before = stats().sent;
      await Promise.all(ids.map((id) => feed().announce(ARTICLE, id)));
      await until(() => stats().pending === ids.length || stats().streams === 0, 'every change heard');
      advanceClock(1000);
      await until(() => stats().sent >= before + ids.length || stats().streams === 0, 'a round of events');
      // What the server holds for this reader never passes the limit (its opening snapshot aside).
      expect(stats().unsentBytes).toBeLessThanOrEqual(MAX_BUFFER_BYTES + snapshotBytes + 1024);
      if (!socket.destroyed) expect(socket.writableLength).toBeLessThanOrEqual(MAX_BUFFER_BYTES + snapshotBytes + 1024);
    }
    // Thousands of events went out before the socket's own buffers filled and the limit was met.
    expect(stats().sent - start).toBeGreaterThan(2000);
    // The server did queue bytes for this reader (its socket full), never more than the limit allows.
    expect(stats().peakUnsentBytes).toBeGreaterThan(MAX_BUFFER_BYTES / 2);
    expect(stats().peakUnsentBytes).toBeLessThanOrEqual(MAX_BUFFER_BYTES + snapshotBytes + 1024);
    expect(stats().overflows).toBe(1);
    expect(socket.destroyed).toBe(true);
    expect(stats()).toMatchObject({ streams: 0, documents: 0, addresses: 0, unsentBytes: 0 });
    // The reader reads again: what its socket already had, then the end (a drop, not a clean end).
    stalled.resume();
    await stalled.closed;
    expect(stalled.complete()).toBe(false);
    expect(stalled.events.length).toBeLessThan(stats().sent - start + ids.length);
  });
});

describe('the live stream: lifetime, heartbeat, ids and resume', () => {
  it('ends cleanly after the maximum lifetime on the plugin clock, so the client reconnects', async () => {
    const id = await createArticle(app.strapi);
    holdClock();
    const stream = await connect(`documentIds=${id}`);
    await stream.waitFor(() => talliesOf(stream, id).length === 1);
    // Streams end a little early (up to a tenth), so those opened together do not all reconnect at once.
    advanceClock(MAX_LIFETIME_SECONDS * 900 - 1);
    expect(stats().streams).toBe(1);
    advanceClock(MAX_LIFETIME_SECONDS * 100 + 1);
    await stream.closed;
    expect(stream.complete()).toBe(true);
    expect(stats().streams).toBe(0);
    // The client comes back and gets the current state.
    const again = await connect(`documentIds=${id}`);
    await again.waitFor(() => talliesOf(again, id).length === 1);
  });

  it('puts an id on every event and, on a reconnect with Last-Event-ID, sends the current tallies (not a replay), then live events', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    await newAnonymousReader(url, a, 'like');
    const first = await connect(`documentIds=${a},${b}`);
    await first.waitFor(() => talliesOf(first, a).length === 1 && talliesOf(first, b).length === 1);
    await newAnonymousReader(url, a, 'wow');
    await first.waitFor(() => talliesOf(first, a).some((t) => t.total === 2));
    expect(first.events.every((event) => event.id !== undefined && /^\d+$/.test(event.id))).toBe(true);
    const ids = first.events.map((event) => Number(event.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const lastId = first.events[first.events.length - 1].id as string;
    first.close();
    await first.closed;

    // Away: two more reactions on a, one on b.
    await newAnonymousReader(url, a, 'sad');
    await newAnonymousReader(url, a, 'sad');
    await newAnonymousReader(url, b, 'love');
    const resumed = await connect(`documentIds=${a},${b}`, { 'Last-Event-ID': lastId });
    expect(resumed.status).toBe(200);
    await resumed.waitFor(() => talliesOf(resumed, a).length === 1 && talliesOf(resumed, b).length === 1);
    // State, not a log: one event per document, with what the tally is now.
    expect(talliesOf(resumed, a)[0]).toEqual({ documentId: a, total: 4, counts: expect.objectContaining({ like: 1, wow: 1, sad: 2 }) });
    expect(talliesOf(resumed, b)[0]).toEqual({ documentId: b, total: 1, counts: expect.objectContaining({ love: 1 }) });
    expect(resumed.events.every((event) => Number(event.id) > Number(lastId))).toBe(true);
    // Then live.
    await newAnonymousReader(url, b, 'angry');
    await resumed.waitFor(() => talliesOf(resumed, b).some((t) => t.total === 2));

    // A Last-Event-ID the server never sent is no error: the client still gets the state.
    const odd = await connect(`documentIds=${a}`, { 'Last-Event-ID': 'not-ours' });
    expect(odd.status).toBe(200);
    await odd.waitFor(() => talliesOf(odd, a).length === 1);
  });
});

describe('the live stream: one event per second per document, the last state always sent', () => {
  it('coalesces a burst into a trailing event with the final state, on the plugin clock', async () => {
    const id = await createArticle(app.strapi);
    const stream = await connect(`documentIds=${id}`);
    await stream.waitFor(() => talliesOf(stream, id).length === 1);
    const snapshot = stream.events.length;
    holdClock();

    // The first change goes out at once.
    const first = await newAnonymousReader(url, id, 'like');
    await stream.waitFor(() => liveEvents(stream, snapshot).length === 1);
    expect(JSON.parse(liveEvents(stream, snapshot)[0].data)).toMatchObject({ total: 1, counts: { like: 1 } });

    // A burst within the same second of the clock: nothing goes out yet.
    await newAnonymousReader(url, id, 'love');
    await newAnonymousReader(url, id, 'wow');
    await putReaction(url, id, 'sad', first);
    await settleChangeFeed(app.strapi);
    expect(stats().pending).toBe(1);
    const sent = stats().sent;
    advanceClock(999);
    await settleChangeFeed(app.strapi);
    expect(stats().sent).toBe(sent);
    expect(liveEvents(stream, snapshot)).toHaveLength(1);

    // A second after the last event: one trailing event carries the final state.
    advanceClock(1);
    await stream.waitFor(() => liveEvents(stream, snapshot).length === 2);
    const expected = (await getTally(url, id)).body.data;
    expect(JSON.parse(liveEvents(stream, snapshot)[1].data)).toEqual({ documentId: id, total: expected.total, counts: expected.counts });
    expect(expected).toMatchObject({ total: 3, counts: { like: 0, love: 1, wow: 1, sad: 1 } });
    expect(stats().pending).toBe(0);

    // Quiet for a second: the next change goes out at once again.
    advanceClock(1000);
    await newAnonymousReader(url, id, 'angry');
    await stream.waitFor(() => liveEvents(stream, snapshot).length === 3);
    expect(JSON.parse(liveEvents(stream, snapshot)[2].data)).toMatchObject({ total: 4, counts: { angry: 1 } });
  });
});

describe("the live stream obeys the Public role's tally permission", () => {
  const TALLY = { plugin: 'plugin::reactions', controller: 'reactions', action: 'tally' };
  type RoleService = {
    findOne: (id: number) => Promise<{ name: string; description: string; permissions: Record<string, { controllers: Record<string, Record<string, { enabled: boolean }>> }> }>;
    updateRole: (id: number, data: unknown) => Promise<void>;
  };

  /** What an admin does in Settings → Users & Permissions → Roles → Public: tick or untick, then save. */
  const setPublicTally = async (enabled: boolean) => {
    const roles = app.strapi.plugin('users-permissions').service('role') as RoleService;
    const { id } = (await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } })) as { id: number };
    const role = await roles.findOne(id);
    role.permissions[TALLY.plugin].controllers[TALLY.controller][TALLY.action].enabled = enabled;
    await roles.updateRole(id, { name: role.name, description: role.description, permissions: role.permissions });
  };

  it('refuses new streams with 403 and closes open ones when the admin revokes it; allows them again when granted', async () => {
    const id = await createArticle(app.strapi);
    const stream = await connect(`documentIds=${id}`);
    await stream.waitFor(() => talliesOf(stream, id).length === 1);
    try {
      await setPublicTally(false);
      await stream.closed;
      const refused = await request(url).get(`/api/reaction-stream?documentIds=${id}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ data: null, error: { status: 403, name: 'ForbiddenError' } });
      expect(stats().streams).toBe(0);
    } finally {
      await setPublicTally(true);
    }
    const again = await connect(`documentIds=${id}`);
    expect(again.status).toBe(200);
    await again.waitFor(() => talliesOf(again, id).length === 1);
  });
});
