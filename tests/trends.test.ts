/**
 * Trends (`GET /api/reaction-trends`, GraphQL `reactionTrends`): exact rankings on a timeline
 * seeded through the plugin's injectable clock (no sleeps). A reaction counts in a window when it
 * was set or last switched within it; a cleared one counts nowhere; drafts never appear.
 */
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { countQueries, createArticle, deleteReaction, newAnonymousReader, putReaction, type Auth } from './helpers/content';
import { gql } from './helpers/graphql';

const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];
const HOUR = 3_600_000;
const NOW = new Date('2026-03-10T12:00:00.000Z');

let app: TestApp;
let url: string;
let clockTime = NOW;

const at = (offsetMs: number) => {
  clockTime = new Date(NOW.getTime() + offsetMs);
};

const counts = (given: Record<string, number>) => Object.fromEntries(KINDS.map((kind) => [kind, given[kind] ?? 0]));

const trends = (query: Record<string, string> = {}) => request(url).get('/api/reaction-trends').query(query);

/** Readers and stories placed on the timeline once; every test reads the same picture. */
const ids: Record<'harbour' | 'budget' | 'trains' | 'floods' | 'pulled' | 'draft', string> = {
  harbour: '',
  budget: '',
  trains: '',
  floods: '',
  pulled: '',
  draft: '',
};

beforeAll(async () => {
  // The per-address budget of trend queries is switched on only where it is tested.
  app = await startTestApp('trends', { env: { REACTIONS_TRENDS_RATE_LIMIT: '0' } });
  url = app.url;
  app.strapi.plugin('reactions').service('clock').use(() => clockTime);

  for (const name of ['harbour', 'budget', 'trains', 'floods', 'pulled'] as const) ids[name] = await createArticle(app.strapi);
  ids.draft = await createArticle(app.strapi, { published: false });

  // 48 hours ago: r1 likes harbour (outside 24h), r6 likes trains (outside 24h, inside 7d).
  at(-48 * HOUR);
  const r1 = await newAnonymousReader(url, ids.harbour, 'like');
  await newAnonymousReader(url, ids.trains, 'like');
  // 20 days ago: floods gets a wow (inside 30d only).
  at(-20 * 24 * HOUR);
  await newAnonymousReader(url, ids.floods, 'wow');
  // 3 hours ago: r5 loves trains, and clears it an hour later (counts nowhere).
  at(-3 * HOUR);
  const r5: Auth = await newAnonymousReader(url, ids.trains, 'love');
  // 2 hours ago: two angry readers on budget, one love on trains; one angry on pulled.
  at(-2 * HOUR);
  await newAnonymousReader(url, ids.budget, 'angry');
  await newAnonymousReader(url, ids.budget, 'angry');
  await newAnonymousReader(url, ids.trains, 'love');
  await newAnonymousReader(url, ids.pulled, 'angry');
  at(-1 * HOUR - 60_000);
  expect((await deleteReaction(url, ids.trains, r5)).status).toBe(200);
  // 30 minutes ago: r1 switches harbour from like to angry: the reaction moves into the window.
  at(-30 * 60_000);
  expect((await putReaction(url, ids.harbour, 'angry', r1)).status).toBe(200);
  // The pulled story is unpublished afterwards: its reactions stay stored but it never trends.
  await app.strapi.documents('api::article.article').unpublish({ documentId: ids.pulled, locale: '*' } as never);
  at(0);
});

afterAll(async () => {
  app?.strapi.plugin('reactions').service('clock').use(null);
  await app?.stop();
});

/** Ties are broken by documentId, ascending. */
const byTotalThenId = <Entry extends { documentId: string; total: number }>(entries: Entry[]): Entry[] =>
  [...entries].sort((a, b) => b.total - a.total || (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0));

describe('GET /api/reaction-trends', () => {
  it('ranks the last 24 hours exactly: switches count, clears and older reactions do not, ties by documentId', async () => {
    const res = await trends({ target: 'articles', window: '24h' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(res.body.meta).toEqual({
      target: 'articles',
      window: '24h',
      since: new Date(NOW.getTime() - 24 * HOUR).toISOString(),
      until: NOW.toISOString(),
      kind: null,
      limit: 10,
    });
    const expected = [
      { documentId: ids.budget, total: 2, counts: counts({ angry: 2 }) },
      ...byTotalThenId([
        { documentId: ids.harbour, total: 1, counts: counts({ angry: 1 }) },
        { documentId: ids.trains, total: 1, counts: counts({ love: 1 }) },
      ]),
    ];
    expect(res.body.data).toEqual(expected);
    expect(Object.keys(res.body.data[0].counts)).toEqual(KINDS);
  });

  it('gives the same order on every call (stable ties)', async () => {
    const first = (await trends()).body.data.map((entry: { documentId: string }) => entry.documentId);
    for (let i = 0; i < 3; i += 1) {
      expect((await trends()).body.data.map((entry: { documentId: string }) => entry.documentId)).toEqual(first);
    }
  });

  it('defaults to the first target, 24h and limit 10', async () => {
    const res = await trends();
    expect(res.status).toBe(200);
    expect(res.body.meta).toMatchObject({ target: 'articles', window: '24h', kind: null, limit: 10 });
    expect(res.body.data).toHaveLength(3);
  });

  it('keeps only the switch in the last hour', async () => {
    const res = await trends({ window: '1h' });
    expect(res.body.data).toEqual([{ documentId: ids.harbour, total: 1, counts: counts({ angry: 1 }) }]);
  });

  it('ranks 7 and 30 days with older reactions included', async () => {
    const week = await trends({ window: '7d' });
    expect(week.body.data).toEqual(
      byTotalThenId([
        { documentId: ids.budget, total: 2, counts: counts({ angry: 2 }) },
        { documentId: ids.trains, total: 2, counts: counts({ like: 1, love: 1 }) },
        { documentId: ids.harbour, total: 1, counts: counts({ angry: 1 }) },
      ])
    );
    const month = await trends({ window: '30d' });
    expect(month.body.data.map((entry: { documentId: string }) => entry.documentId)).toEqual([
      ...byTotalThenId([
        { documentId: ids.budget, total: 2 },
        { documentId: ids.trains, total: 2 },
      ]).map((entry) => entry.documentId),
      ...byTotalThenId([
        { documentId: ids.harbour, total: 1 },
        { documentId: ids.floods, total: 1 },
      ]).map((entry) => entry.documentId),
    ]);
  });

  it('ranks by one kind, leaving out documents without it, with every kind still in counts', async () => {
    const angry = await trends({ window: '24h', kind: 'angry' });
    expect(angry.body.meta.kind).toBe('angry');
    expect(angry.body.data).toEqual([
      { documentId: ids.budget, total: 2, counts: counts({ angry: 2 }) },
      { documentId: ids.harbour, total: 1, counts: counts({ angry: 1 }) },
    ]);
    const love = await trends({ window: '24h', kind: 'love' });
    expect(love.body.data).toEqual([{ documentId: ids.trains, total: 1, counts: counts({ love: 1 }) }]);
    expect((await trends({ window: '24h', kind: 'funny' })).body.data).toEqual([]);
  });

  it('never lists drafts or unpublished stories', async () => {
    for (const window of ['1h', '24h', '7d', '30d']) {
      const listed = (await trends({ window, limit: '50' })).body.data.map((entry: { documentId: string }) => entry.documentId);
      expect(listed).not.toContain(ids.pulled);
      expect(listed).not.toContain(ids.draft);
    }
    const stored = await app.strapi.db.connection('reader_reactions').where('target_document_id', ids.pulled);
    expect(stored).toHaveLength(1);
  });

  it('honours limit', async () => {
    const res = await trends({ window: '30d', limit: '2' });
    expect(res.body.data).toHaveLength(2);
    expect(res.body.meta.limit).toBe(2);
  });

  it('uses the same number of queries whatever the number of documents in the window', async () => {
    // Limits no other test asks for: each query runs rather than being answered from the kept answers.
    const few = await countQueries(app.strapi, async () => expect((await trends({ window: '30d', limit: '40' })).status).toBe(200));
    at(-10 * 60_000);
    for (let i = 0; i < 12; i += 1) await newAnonymousReader(url, await createArticle(app.strapi), KINDS[i % KINDS.length]);
    at(0);
    const many = await countQueries(app.strapi, async () => {
      const res = await trends({ window: '30d', limit: '45' });
      expect(res.body.data.length).toBeGreaterThanOrEqual(16);
    });
    expect(many).toBe(few);
  });

  it.each([
    [{ window: '2h' }, 'allowed'],
    [{ window: '' }, 'allowed'],
    [{ kind: 'meh' }, 'allowed'],
    [{ target: 'reactions' }, 'allowed'],
    [{ target: 'api::article.article' }, 'allowed'],
    [{ limit: '0' }, 'max'],
    [{ limit: '51' }, 'max'],
    [{ limit: '1e1' }, 'max'],
    [{ limit: '-1' }, 'max'],
    [{ limit: 'ten' }, 'max'],
    [{ documentIds: 'a' }, 'unexpected'],
    [{ sort: 'total' }, 'unexpected'],
  ])('answers 400 ValidationError with details for %j', async (query, detail) => {
    const res = await trends(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(res.body.error.details).toHaveProperty(detail);
  });

  it('refuses repeated and bracketed parameters with 400', async () => {
    for (const raw of ['window=1h&window=24h', 'limit[$gt]=1', 'kind[]=angry', 'target[0]=articles']) {
      const res = await request(url).get(`/api/reaction-trends?${raw}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('ValidationError');
    }
  });

  it('works for another target (videos), with no articles in it', async () => {
    const res = await trends({ target: 'videos', window: '30d' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.meta.target).toBe('videos');
  });
});

describe('GraphQL reactionTrends', () => {
  const QUERY = `query Trends($target: String, $window: ReactionWindow, $kind: ReactionKind, $limit: Int) {
    reactionTrends(target: $target, window: $window, kind: $kind, limit: $limit) {
      data { documentId total counts { like dislike love funny angry sad wow } }
      meta { target window since until kind limit }
    }
  }`;

  it('gives the REST ranking, windows named h1 h24 d7 d30', async () => {
    const rest = await trends({ window: '24h', kind: 'angry' });
    const res = await gql(url, QUERY, { target: 'articles', window: 'h24', kind: 'angry' });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.reactionTrends.data).toEqual(rest.body.data);
    expect(res.body.data.reactionTrends.meta).toEqual({ ...rest.body.meta, window: 'h24' });
  });

  it('defaults like REST', async () => {
    const res = await gql(url, QUERY, {});
    expect(res.body.data.reactionTrends.meta).toMatchObject({ target: 'articles', window: 'h24', kind: null, limit: 10 });
    expect(res.body.data.reactionTrends.data.map((entry: { documentId: string }) => entry.documentId)).toEqual(
      (await trends()).body.data.map((entry: { documentId: string }) => entry.documentId)
    );
  });

  it('refuses a bad limit or target with a 400 ValidationError', async () => {
    for (const variables of [{ limit: 0 }, { limit: 51 }, { target: 'reactions' }]) {
      const res = await gql(url, QUERY, variables);
      expect(res.body.data).toBeNull();
      expect(res.body.errors[0].extensions.error).toMatchObject({ status: 400, name: 'ValidationError' });
    }
  });

  it('refuses an unknown window by the schema', async () => {
    const res = await gql(url, QUERY, { window: '24h' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toContain('ReactionWindow');
  });
});

/** Runs after the others: it moves the clock and adds reactions. */
describe('caching and limits', () => {
  const MAX_AGE = /^public, max-age=(\d+)$/;
  const trendQueries = (work: () => Promise<unknown>) => countQueries(app.strapi, work, /reaction|articles|videos/);
  const settings = () => app.strapi.config.get('plugin::reactions') as { trendsRateLimit: number };
  const service = () => app.strapi.plugin('reactions').service('trends') as { cacheSize: () => number };
  const varyOf = (res: request.Response) =>
    String(res.headers.vary ?? '')
      .split(',')
      .map((v) => v.trim().toLowerCase());

  afterEach(() => at(0));

  it('carries an ETag and a public max-age of at most 30 s; If-None-Match with it answers 304 with no body', async () => {
    const res = await trends({ window: '7d', kind: 'angry' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    const maxAge = Number(MAX_AGE.exec(String(res.headers['cache-control']))?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(30);
    expect(varyOf(res)).toEqual(expect.arrayContaining(['authorization', 'cookie', 'x-reactor-token']));
    const again = await trends({ window: '7d', kind: 'angry' }).set('If-None-Match', res.headers.etag as string);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    expect(again.headers.etag).toBe(res.headers.etag);
    expect((await trends({ window: '7d', kind: 'angry' }).set('If-None-Match', '"other"')).status).toBe(200);
  });

  it('keeps each distinct answer in memory until its max-age has passed on the plugin clock, REST and GraphQL alike', async () => {
    const query = { window: '1h', kind: 'wow', limit: '7' };
    const documentIdsOf = (res: request.Response) => res.body.data.map((entry: { documentId: string }) => entry.documentId);
    const first = await trends(query);
    expect(first.status).toBe(200);
    expect(documentIdsOf(first)).not.toContain(ids.floods);
    expect(first.headers['cache-control']).toBe('public, max-age=30');
    expect(await trendQueries(() => trends(query))).toBe(0);
    const graphql = await trendQueries(async () => {
      const res = await gql(url, '{ reactionTrends(window: h1, kind: wow, limit: 7) { data { documentId } meta { until } } }');
      expect(res.body.data.reactionTrends.meta.until).toBe(first.body.meta.until);
    });
    expect(graphql).toBe(0);
    // A new wow reaction: the kept answer stands, announcing only what is left of its max-age...
    await newAnonymousReader(url, ids.floods, 'wow');
    at(12_000);
    const kept = await trends(query);
    expect(kept.body).toEqual(first.body);
    expect(kept.headers['cache-control']).toBe('public, max-age=18');
    // ...and once it is 30 s old the query runs again.
    at(30_000);
    const fresh = await trends(query);
    expect(fresh.body.data).toContainEqual({ documentId: ids.floods, total: 1, counts: counts({ wow: 1 }) });
    expect(documentIdsOf(fresh)).toEqual([...documentIdsOf(first), ids.floods].sort());
    expect(fresh.body.meta.until).toBe(new Date(NOW.getTime() + 30_000).toISOString());
    expect(fresh.headers['cache-control']).toBe('public, max-age=30');
  });

  it('keeps at most 500 answers, the oldest going first', async () => {
    const queries: Record<string, string>[] = [];
    for (const window of ['1h', '24h', '7d', '30d']) {
      for (const kind of [null, ...KINDS]) {
        for (let limit = 1; limit <= 50 && queries.length < 520; limit += 1) {
          queries.push({ target: 'videos', window, limit: String(limit), ...(kind ? { kind } : {}) });
        }
      }
    }
    for (const query of queries) expect((await trends(query)).status).toBe(200);
    expect(service().cacheSize()).toBe(500);
    expect(await trendQueries(() => trends(queries[queries.length - 1]))).toBe(0);
    expect(await trendQueries(() => trends(queries[0]))).toBeGreaterThan(0);
  });

  it('answers 429 with Retry-After in the error envelope past the per-address budget, over REST and GraphQL together', async () => {
    settings().trendsRateLimit = 3;
    try {
      expect((await trends({ window: '24h' })).status).toBe(200);
      expect((await gql(url, '{ reactionTrends { meta { window } } }')).body.errors).toBeUndefined();
      expect((await trends({ window: '7d' })).status).toBe(200);
      const refused = await trends({ window: '24h' });
      expect(refused.status).toBe(429);
      expect(refused.body.data).toBeNull();
      expect(refused.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      const graphql = await gql(url, '{ reactionTrends { meta { window } } }');
      expect(graphql.body.errors[0].extensions.error).toMatchObject({ status: 429, name: 'RateLimitError' });
      expect(Number(graphql.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      settings().trendsRateLimit = 0;
    }
    expect((await trends({ window: '24h' })).status).toBe(200);
  });
});
