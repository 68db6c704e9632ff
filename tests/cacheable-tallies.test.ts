/**
 * Cacheable tallies: reads without identity are public (ETag, 304, max-age, Vary), reads with
 * identity stay private; Strapi's own list and one follow the same split; the in-process tally
 * cache answers a hot tally without SQL and drops it on every write and publication change.
 */
import request from 'supertest';
import { createPublicAccessStrategy, PUBLIC_ABILITY_TTL_MS } from '../src/plugins/reactions/server/src/strategies/public-access';
import { ADMIN_ACTIONS, REACTION_UID } from '../src/plugins/reactions/shared/contract';
import { createAdmin, createRole } from './helpers/admin-roles';
import { startTestApp, type TestApp } from './helpers/strapi';
import type { Core } from '@strapi/strapi';
import { countQueries, createArticle, getTally, newAnonymousReader, putReaction, registerUser, deleteReaction, settleChangeFeed, withClockHeld } from './helpers/content';

let app: TestApp;
let url: string;

/**
 * SQL statements that read reactions or their targets while `work` runs (Strapi's own
 * per-request lookup of the public role's permissions is not the tally's doing).
 */
const countTallyQueries = (strapi: Core.Strapi, work: () => Promise<unknown>): Promise<number> =>
  countQueries(strapi, work, /reaction|articles/);

beforeAll(async () => {
  app = await startTestApp('cacheable', { env: { REACTIONS_TALLY_MAX_AGE: '7' } });
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

const varyOf = (res: request.Response) =>
  String(res.headers.vary ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase());

const expectIdentityVary = (res: request.Response) => {
  expect(varyOf(res)).toEqual(expect.arrayContaining(['authorization', 'cookie', 'x-reactor-token']));
};

describe('a tally read without identity', () => {
  it('is public for max-age, with a strong ETag and Vary on the identity headers', async () => {
    const id = await createArticle(app.strapi);
    await newAnonymousReader(url, id, 'love');
    const res = await getTally(url, id);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=[67], stale-while-revalidate=30$/);
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    expectIdentityVary(res);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body.data).toMatchObject({ documentId: id, total: 1, mine: null });
    expect(res.body.data.counts.love).toBe(1);
  });

  it('answers 304 with no body to If-None-Match with the current tag, a weak one, a list or *', async () => {
    const id = await createArticle(app.strapi);
    const first = await getTally(url, id);
    const etag = first.headers.etag as string;
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await getTally(url, id).set('If-None-Match', header);
      expect(res.status).toBe(304);
      expect(res.text ?? '').toBe('');
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+, stale-while-revalidate=30$/);
      expectIdentityVary(res);
    }
    const other = await getTally(url, id).set('If-None-Match', '"something-else"');
    expect(other.status).toBe(200);
  });

  it('gets a new ETag after a write, and the old tag no longer answers 304', async () => {
    const id = await createArticle(app.strapi);
    const before = await getTally(url, id);
    await newAnonymousReader(url, id, 'wow');
    const res = await getTally(url, id).set('If-None-Match', before.headers.etag as string);
    expect(res.status).toBe(200);
    expect(res.headers.etag).not.toBe(before.headers.etag);
    expect(res.body.data.counts.wow).toBe(1);
  });

  it('batches (reaction-tallies) the same way, leaving unknown and draft ids out', async () => {
    const a = await createArticle(app.strapi);
    const draft = await createArticle(app.strapi, { published: false });
    await newAnonymousReader(url, a, 'sad');
    const res = await request(url).get(`/api/reaction-tallies?documentIds=${a},${draft},unknownid`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=[67], stale-while-revalidate=30$/);
    expect(res.body.data.map((t: { documentId: string }) => t.documentId)).toEqual([a]);
    expect(res.body.data[0]).toMatchObject({ total: 1, mine: null });
    const again = await request(url).get(`/api/reaction-tallies?documentIds=${a},${draft},unknownid`).set('If-None-Match', res.headers.etag);
    expect(again.status).toBe(304);
  });

  it('404s a draft-only document, uncacheable, even once its tally was cached as published', async () => {
    const id = await createArticle(app.strapi);
    expect((await getTally(url, id)).status).toBe(200);
    await app.strapi.documents('api::article.article').unpublish({ documentId: id });
    const res = await getTally(url, id);
    expect(res.status).toBe(404);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body.error.name).toBe('NotFoundError');
  });
});

describe('a tally read with identity', () => {
  it('is private, no-store with the reader\'s own kind, for a token, a cookie and a JWT', async () => {
    const id = await createArticle(app.strapi);
    const anon = await newAnonymousReader(url, id, 'funny');
    const byHeader = await getTally(url, id, anon);
    const byCookie = await request(url).get(`/api/articles/${id}/reactions`).set('Cookie', `reactor_token=${anon.token}`);
    const { jwt } = await registerUser(url);
    await putReaction(url, id, 'angry', { jwt });
    const byJwt = await getTally(url, id, { jwt });
    for (const [res, mine] of [
      [byHeader, 'funny'],
      [byCookie, 'funny'],
      [byJwt, 'angry'],
    ] as const) {
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers.etag).toBeUndefined();
      expectIdentityVary(res);
      expect(res.body.data.mine).toBe(mine);
    }
    // An identified reader never gets a 304 built for the public.
    const conditional = await getTally(url, id, anon).set('If-None-Match', '*');
    expect(conditional.status).toBe(200);
    expect(conditional.body.data.mine).toBe('funny');
    const batch = await request(url).get(`/api/reaction-tallies?documentIds=${id}`).set('X-Reactor-Token', anon.token as string);
    expect(batch.headers['cache-control']).toBe('private, no-store');
    expect(batch.body.data[0].mine).toBe('funny');
  });

  it('still refuses a forged token with 401 (identity present, so not the public path)', async () => {
    const id = await createArticle(app.strapi);
    const res = await getTally(url, id, { token: 'AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' });
    expect(res.status).toBe(401);
    expect(res.headers['cache-control']).toBe('private, no-store');
  });
});

describe('no `mine` in any public response', () => {
  it('public tally, batch and embedded tallies say mine: null, never a reader\'s kind', async () => {
    const id = await createArticle(app.strapi);
    const anon = await newAnonymousReader(url, id, 'like');
    // Warm the cache with an identified read first: the public read must not pick its `mine` up.
    expect((await getTally(url, id, anon)).body.data.mine).toBe('like');
    const single = await getTally(url, id);
    const batch = await request(url).get(`/api/reaction-tallies?documentIds=${id}`);
    const one = await request(url).get(`/api/articles/${id}`);
    const list = await request(url).get('/api/articles?pagination[pageSize]=100');
    const listed = list.body.data.find((a: { documentId: string }) => a.documentId === id);
    for (const tally of [single.body.data, batch.body.data[0], one.body.data.reactionTally, listed.reactionTally]) {
      expect(tally).toMatchObject({ documentId: id, total: 1, mine: null });
    }
  });
});

describe("Strapi's article list and one", () => {
  it('carry a short public max-age without identity and stay private with it', async () => {
    const id = await createArticle(app.strapi);
    const anon = await newAnonymousReader(url, id, 'wow');
    for (const path of ['/api/articles', `/api/articles/${id}`]) {
      const open = await request(url).get(path);
      expect(open.status).toBe(200);
      expect(open.headers['cache-control']).toMatch(/^public, max-age=[0-7]$/);
      expectIdentityVary(open);
      const identified = await request(url).get(path).set('X-Reactor-Token', anon.token as string);
      expect(identified.headers['cache-control']).toBe('private, no-store');
      expectIdentityVary(identified);
    }
    const one = await request(url).get(`/api/articles/${id}`).set('X-Reactor-Token', anon.token as string);
    expect(one.body.data.reactionTally.mine).toBe('wow');
  });
});

describe('the in-process tally cache', () => {
  type TallyCache = { has: (targetUid: string, documentId: string) => boolean; size: () => number; negativeSize: () => number };
  const tallyCache = () => app.strapi.plugin('reactions').service('tallyCache') as TallyCache;

  it('answers a warm public read without reading reactions or articles, and a write invalidates it at once', async () => {
    const id = await createArticle(app.strapi);
    await settleChangeFeed(app.strapi); // the publication's own echo (PostgreSQL) must not drop the warm entry
    await getTally(url, id);
    const warm = await countTallyQueries(app.strapi, async () => {
      const res = await getTally(url, id);
      expect(res.body.data.total).toBe(0);
    });
    expect(warm).toBe(0);
    const reader = await newAnonymousReader(url, id, 'love');
    expect((await getTally(url, id)).body.data.counts.love).toBe(1);
    await putReaction(url, id, 'sad', reader);
    expect((await getTally(url, id)).body.data.counts).toMatchObject({ love: 0, sad: 1 });
    await deleteReaction(url, id, reader);
    expect((await getTally(url, id)).body.data.total).toBe(0);
    // Moderation (an editor deleting the reaction in the Content Manager, over its own HTTP API) invalidates too.
    await newAnonymousReader(url, id, 'angry');
    expect((await getTally(url, id)).body.data.total).toBe(1);
    const moderator = await createRole(app.strapi, 'Cache moderator', [
      { subject: REACTION_UID, explorer: [{ action: 'read' }, { action: 'delete' }], plugin: [ADMIN_ACTIONS.moderate] },
    ]);
    const { token } = await createAdmin(app.strapi, url, moderator, 'cache-moderator@example.test');
    const [row] = await app.strapi.db.connection('reader_reactions').select('document_id').where('target_document_id', id);
    const deleted = await request(url).delete(`/content-manager/collection-types/${REACTION_UID}/${row.document_id}`).set('Authorization', `Bearer ${token}`);
    expect(deleted.status).toBe(200);
    expect((await getTally(url, id)).body.data.total).toBe(0);
  });

  it('stays bounded in size (least recently used go first)', async () => {
    const cache = app.strapi.plugin('reactions').service('tallyCache') as { size: () => number };
    const settings = app.strapi.config.get('plugin::reactions') as { tallyCacheSize: number };
    const previous = settings.tallyCacheSize;
    settings.tallyCacheSize = 5;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i += 1) ids.push(await createArticle(app.strapi));
      await settleChangeFeed(app.strapi);
      for (const id of ids.slice(0, 5)) await getTally(url, id);
      expect(cache.size()).toBe(5);
      // Reading the oldest entry makes it the most recently used: the next new entry evicts ids[1].
      expect(await countTallyQueries(app.strapi, () => getTally(url, ids[0]))).toBe(0);
      await getTally(url, ids[5]);
      expect(cache.size()).toBe(5);
      expect(await countTallyQueries(app.strapi, () => getTally(url, ids[0]))).toBe(0);
      expect(await countTallyQueries(app.strapi, () => getTally(url, ids[5]))).toBe(0);
      expect(await countTallyQueries(app.strapi, () => getTally(url, ids[1]))).toBeGreaterThan(0);
      for (const id of ids) await getTally(url, id);
      expect(cache.size()).toBe(5);
    } finally {
      settings.tallyCacheSize = previous;
    }
  });

  it('a write on one document discards only the reads of that document in flight: the other tallies read alongside stay cached', async () => {
    const a = await createArticle(app.strapi);
    const b = await createArticle(app.strapi);
    await newAnonymousReader(url, a, 'like');
    await settleChangeFeed(app.strapi); // publication and write echoes (PostgreSQL) must not land while the read is held
    const rules = app.strapi.plugin('reactions').service('rules') as { tallies: (...args: unknown[]) => Promise<unknown> };
    const original = rules.tallies;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let readCounters = () => {};
    const countersRead = new Promise<void>((resolve) => (readCounters = resolve));
    // Holds the batch read of a and b after it read their counters, as a slow database round trip would.
    rules.tallies = async (...args: unknown[]) => {
      const result = await original(...args);
      const ids = args[1] as string[];
      if (ids.includes(a) && ids.includes(b)) {
        readCounters();
        await held;
      }
      return result;
    };
    let inFlight: Promise<request.Response>;
    try {
      inFlight = request(url).get(`/api/reaction-tallies?documentIds=${a},${b}`).then((res) => res);
      await countersRead;
      // A write on a commits (and is announced) while the read holds a's old counters.
      await newAnonymousReader(url, a, 'wow');
      release();
      // The read that started before the write answers its own caller with what it read.
      expect((await inFlight).body.data.map((tally: { total: number }) => tally.total)).toEqual([1, 0]);
    } finally {
      release();
      rules.tallies = original;
    }
    expect(tallyCache().has('api::article.article', a)).toBe(false);
    expect(tallyCache().has('api::article.article', b)).toBe(true);
    expect(await countTallyQueries(app.strapi, () => getTally(url, b))).toBe(0);
    const fresh = await getTally(url, a);
    expect(fresh.body.data).toMatchObject({ total: 2, counts: { like: 1, wow: 1 } });
  });

  it('keeps unknown and unpublished ids apart: thousands of them never evict hot tallies', async () => {
    const settings = app.strapi.config.get('plugin::reactions') as { tallyCacheSize: number };
    const previous = settings.tallyCacheSize;
    settings.tallyCacheSize = 20;
    try {
      const hot: string[] = [];
      for (let i = 0; i < 20; i += 1) hot.push(await createArticle(app.strapi));
      const draft = await createArticle(app.strapi, { published: false });
      await settleChangeFeed(app.strapi);
      expect((await request(url).get(`/api/reaction-tallies?documentIds=${hot.join(',')}`)).body.data).toHaveLength(20);
      for (const id of hot) expect(tallyCache().has('api::article.article', id)).toBe(true);
      // 3000 ids nobody published, 100 to a request (the batch maximum), the draft among them.
      for (let batch = 0; batch < 30; batch += 1) {
        const unknown = Array.from({ length: 100 }, (_, i) => `unknown${batch}x${i}`);
        if (batch === 15) unknown[0] = draft;
        const res = await request(url).get(`/api/reaction-tallies?documentIds=${unknown.join(',')}`);
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual([]);
      }
      expect((await getTally(url, draft)).status).toBe(404);
      for (const id of hot) expect(tallyCache().has('api::article.article', id)).toBe(true);
      expect(tallyCache().size()).toBe(20);
      // Those ids are remembered apart, in a tenth of the room.
      expect(tallyCache().negativeSize()).toBe(2);
      expect(await countTallyQueries(app.strapi, () => request(url).get(`/api/reaction-tallies?documentIds=${hot.join(',')}`))).toBe(0);
      // A known-unpublished id asked again is answered from the small negative cache...
      expect(await countTallyQueries(app.strapi, () => getTally(url, draft))).toBe(0);
      // ...and publishing it drops that answer at once.
      await app.strapi.documents('api::article.article').publish({ documentId: draft });
      expect((await getTally(url, draft)).status).toBe(200);
    } finally {
      settings.tallyCacheSize = previous;
    }
  });

  it('drops a published tally when the document is deleted, so the public read 404s', async () => {
    const id = await createArticle(app.strapi);
    await newAnonymousReader(url, id, 'like');
    expect((await getTally(url, id)).status).toBe(200);
    await app.strapi.documents('api::article.article').delete({ documentId: id });
    expect((await getTally(url, id)).status).toBe(404);
  });
});

describe("the public role's permissions", () => {
  const TALLY_ACTION = 'plugin::reactions.reactions.tally';
  const permissions = () => app.strapi.db.query('plugin::users-permissions.permission');
  const publicRoleId = async () =>
    ((await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } })) as { id: number }).id;

  it('are kept in memory: a warm public read runs no SQL at all, while Strapi reads them per findOne', async () => {
    const id = await createArticle(app.strapi);
    await withClockHeld(app.strapi, async () => {
      // On PostgreSQL the publication's own change notification comes back asynchronously and would drop the warm entry.
      await settleChangeFeed(app.strapi);
      await getTally(url, id);
      expect(await countQueries(app.strapi, () => getTally(url, id))).toBe(0);
    });
    expect(await countQueries(app.strapi, () => request(url).get(`/api/articles/${id}`), /up_permissions/)).toBe(1);
  });

  it('still decide: revoking the tally action answers 403 at once, granting it back 200, a JWT reader follows its own role', async () => {
    const id = await createArticle(app.strapi);
    const role = await publicRoleId();
    expect((await getTally(url, id)).status).toBe(200);
    await permissions().delete({ where: { action: TALLY_ACTION, role } });
    try {
      const refused = await getTally(url, id);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
      // Other actions of the public role stay granted; a signed-in reader has the authenticated role's.
      expect((await request(url).get('/api/reaction-kinds')).status).toBe(200);
      const { jwt } = await registerUser(url);
      expect((await getTally(url, id, { jwt })).status).toBe(200);
    } finally {
      await permissions().create({ data: { action: TALLY_ACTION, role } });
    }
    expect((await getTally(url, id)).status).toBe(200);
  });

  it('changed by another instance (no lifecycle here) apply once the kept ability is older than its TTL', async () => {
    let now = 1_000_000;
    const strategy = createPublicAccessStrategy(app.strapi, () => now);
    const pluginRoute = { route: { info: { pluginName: 'reactions' } } };
    const ctx = { get: () => '', state: pluginRoute } as never;
    const scope = { scope: [TALLY_ACTION] };
    const check = async () => {
      const auth = await strategy.authenticate(ctx);
      if (!auth.authenticated) return 'unauthenticated';
      try {
        strategy.verify(auth as never, scope);
        return 'allowed';
      } catch (error) {
        return (error as Error).name;
      }
    };
    expect(await countQueries(app.strapi, check, /up_permissions/)).toBe(1);
    expect(await check()).toBe('allowed');
    const role = await publicRoleId();
    // Straight in the database, as another instance's change looks from here.
    const db = app.strapi.db.connection;
    const ids = (await db('up_permissions_role_lnk').select('permission_id').where('role_id', role)).map((row: { permission_id: number }) => row.permission_id);
    const tallyIds = (await db('up_permissions').select('id').whereIn('id', ids).where('action', TALLY_ACTION)).map((row: { id: number }) => row.id);
    await db('up_permissions_role_lnk').whereIn('permission_id', tallyIds).del();
    await db('up_permissions').whereIn('id', tallyIds).del();
    try {
      now += PUBLIC_ABILITY_TTL_MS - 1;
      expect(await countQueries(app.strapi, check, /up_permissions/)).toBe(0);
      expect(await check()).toBe('allowed');
      now += 1;
      expect(await check()).toBe('ForbiddenError');
      // Asking without identity is Strapi's own strategies' business when a header is present.
      expect(await strategy.authenticate({ get: (name: string) => (name === 'authorization' ? 'Bearer x' : ''), state: pluginRoute } as never)).toEqual({
        authenticated: false,
      });
      // The host's own routes are the host's strategies' business.
      expect(await strategy.authenticate({ get: () => '', state: { route: { info: { pluginName: 'other' } } } } as never)).toEqual({ authenticated: false });
    } finally {
      await permissions().create({ data: { action: TALLY_ACTION, role } });
    }
  });
});
