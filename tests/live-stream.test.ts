/**
 * Live tallies over Server-Sent Events (GET /api/reaction-stream) on one instance: delivery,
 * wire format (no `mine`, no cookie, no-store), heartbeats, limits, and clean-up after many
 * connect/disconnect cycles.
 */
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticle, newAnonymousReader, putReaction, deleteReaction } from './helpers/content';
import { openSse, talliesOf, type SseStream } from './helpers/sse';

let app: TestApp;
let url: string;
const open: SseStream[] = [];

type StreamStats = {
  streams: number;
  documents: number;
  addresses: number;
  heartbeat: boolean;
  feedSubscribed: boolean;
  reading: number;
  pending: number;
  ticker: boolean;
  unsentBytes: number;
};
const stats = () => (app.strapi.plugin('reactions').service('stream') as { stats: () => StreamStats }).stats();
const settings = () => app.strapi.config.get('plugin::reactions') as { streamConnectionsPerAddress: number; streamMaxConnections: number };

const connect = async (query: string, headers: Record<string, string> = {}) => {
  const stream = await openSse(`${url}/api/reaction-stream?${query}`, headers);
  open.push(stream);
  return stream;
};

/** Waits until the hub holds no stream at all (the server saw every disconnect). */
const waitForIdle = async (timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (stats().streams > 0 || stats().addresses > 0) {
    if (Date.now() > deadline) throw new Error(`stream hub still holds ${JSON.stringify(stats())}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

beforeAll(async () => {
  app = await startTestApp('live-stream', { env: { REACTIONS_STREAM_HEARTBEAT_SECONDS: '0.2' } });
  url = app.url;
});
afterEach(async () => {
  for (const stream of open.splice(0)) stream.close();
  await waitForIdle();
});
afterAll(async () => {
  await app?.stop();
});

describe('GET /api/reaction-stream', () => {
  it('opens an event stream with the current tallies, then sends each change', async () => {
    const a = await createArticle(app.strapi);
    const b = await createArticle(app.strapi);
    await newAnonymousReader(url, a, 'like');
    const stream = await connect(`documentIds=${a},${b}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toBe('no-store');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    expect(stream.headers['set-cookie']).toBeUndefined();
    await stream.waitFor(() => talliesOf(stream, a).length === 1 && talliesOf(stream, b).length === 1);
    expect(talliesOf(stream, a)[0]).toEqual({ documentId: a, total: 1, counts: expect.objectContaining({ like: 1 }) });

    // Each change's state arrives (speed is the bench's business; a burst is coalesced to one event a second).
    const reader = await newAnonymousReader(url, b, 'wow');
    await stream.waitFor(() => talliesOf(stream, b).some((t) => t.counts.wow === 1));
    await putReaction(url, b, 'sad', reader);
    await stream.waitFor(() => talliesOf(stream, b).some((t) => t.counts.sad === 1 && t.counts.wow === 0));
    await deleteReaction(url, b, reader);
    await stream.waitFor(() => talliesOf(stream, b).slice(-1)[0]?.total === 0);
  });

  it('never carries `mine` or a cookie, even for a reader who sends their token and reacted', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id, 'love');
    const stream = await connect(`documentIds=${id}`, { 'X-Reactor-Token': reader.token as string, Cookie: `reactor_token=${reader.token}` });
    await putReaction(url, id, 'angry', reader);
    await stream.waitFor(() => talliesOf(stream, id).some((t) => t.counts.angry === 1));
    for (const event of stream.events) expect(JSON.parse(event.data)).not.toHaveProperty('mine');
    expect(stream.text()).not.toContain(reader.token as string);
    expect(stream.headers['set-cookie']).toBeUndefined();
  });

  it('sends only watched documents, ignores unknown and draft ids, and never a draft tally', async () => {
    const watched = await createArticle(app.strapi);
    const other = await createArticle(app.strapi);
    const draft = await createArticle(app.strapi, { published: false });
    const stream = await connect(`documentIds=${watched},${draft},unknown-id`);
    await stream.waitFor(() => talliesOf(stream, watched).length === 1);
    await newAnonymousReader(url, other, 'like');
    await newAnonymousReader(url, watched, 'funny');
    await stream.waitFor(() => talliesOf(stream, watched).some((t) => t.counts.funny === 1));
    expect(talliesOf(stream, other)).toEqual([]);
    expect(talliesOf(stream, draft)).toEqual([]);
  });

  it('sends a comment line as heartbeat at the configured interval', async () => {
    const id = await createArticle(app.strapi);
    const stream = await connect(`documentIds=${id}`);
    await stream.waitFor(() => stream.comments.filter((c) => c === 'ping').length >= 2, 3000);
    expect(stats().heartbeat).toBe(true);
  });

  it('refuses bad input with 400 in the error envelope: no ids, more than 100 ids', async () => {
    const none = await request(url).get('/api/reaction-stream');
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    const many = Array.from({ length: 101 }, (_, i) => `id${i}`).join(',');
    const tooMany = await request(url).get(`/api/reaction-stream?documentIds=${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toMatchObject({ max: 100 });
    expect(stats().streams).toBe(0);
  });

  it('limits streams per client address with 429 and Retry-After, and frees the slot on disconnect', async () => {
    const id = await createArticle(app.strapi);
    const previous = settings().streamConnectionsPerAddress;
    settings().streamConnectionsPerAddress = 3;
    try {
      const streams = [await connect(`documentIds=${id}`), await connect(`documentIds=${id}`), await connect(`documentIds=${id}`)];
      expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
      const refused = await request(url).get(`/api/reaction-stream?documentIds=${id}`);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.body.error.name).toBe('RateLimitError');
      streams[0].close();
      const deadline = Date.now() + 5000;
      while (stats().streams > 2 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      expect((await connect(`documentIds=${id}`)).status).toBe(200);
    } finally {
      settings().streamConnectionsPerAddress = previous;
    }
  });

  it('limits streams per instance with 429', async () => {
    const id = await createArticle(app.strapi);
    const previous = settings().streamMaxConnections;
    settings().streamMaxConnections = 2;
    try {
      await connect(`documentIds=${id}`);
      await connect(`documentIds=${id}`);
      const refused = await request(url).get(`/api/reaction-stream?documentIds=${id}`);
      expect(refused.status).toBe(429);
    } finally {
      settings().streamMaxConnections = previous;
    }
  });

  it('takes a connection reset by the client (TCP RST) as a plain disconnect: cleaned up, no error raised', async () => {
    const id = await createArticle(app.strapi);
    const raised: unknown[] = [];
    const onError = (error: unknown) => raised.push(error);
    app.strapi.server.app.on('error', onError);
    try {
      const streams = await Promise.all(Array.from({ length: 5 }, () => openSse(`${url}/api/reaction-stream?documentIds=${id}`)));
      for (const stream of streams) await stream.waitFor(() => stream.text().includes('retry: 1000'));
      for (const stream of streams) stream.reset();
      await waitForIdle();
      // The hub goes on serving the next reader.
      const stream = await connect(`documentIds=${id}`);
      await newAnonymousReader(url, id, 'like');
      await stream.waitFor(() => talliesOf(stream, id).some((t) => t.total === 1));
    } finally {
      app.strapi.server.app.off('error', onError);
    }
    expect(raised).toEqual([]);
  });

  it('leaves no subscriber, address count, timer or feed listener behind after 500 connect/disconnect cycles', async () => {
    const ids = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const feed = app.strapi.plugin('reactions').service('changes') as { status: () => { subscribers: number } };
    const listenersBefore = feed.status().subscribers;
    for (let round = 0; round < 50; round += 1) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => openSse(`${url}/api/reaction-stream?documentIds=${ids.join(',')}`)));
      expect(batch.every((s) => s.status === 200)).toBe(true);
      for (const stream of batch) stream.close();
      await Promise.all(batch.map((stream) => stream.closed));
    }
    await waitForIdle();
    expect(stats()).toMatchObject({
      streams: 0,
      documents: 0,
      addresses: 0,
      heartbeat: false,
      feedSubscribed: false,
      reading: 0,
      pending: 0,
      ticker: false,
      unsentBytes: 0,
    });
    expect(feed.status().subscribers).toBe(listenersBefore);
    expect(feed.status().subscribers).toBe(0);
    // And the hub still works afterwards.
    const stream = await connect(`documentIds=${ids[0]}`);
    await newAnonymousReader(url, ids[0], 'like');
    await stream.waitFor(() => talliesOf(stream, ids[0]).some((t) => t.total === 1));
  });
});
