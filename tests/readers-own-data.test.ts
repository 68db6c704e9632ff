/**
 * A reader's own reactions (API.md, "A reader's own reactions"), end to end over real HTTP on a
 * real Strapi: listing them (`GET /api/reactions/mine`), erasing them (`DELETE`), claiming an
 * anonymous reader's reactions on sign-in (`POST /api/reactions/claim`), GraphQL's
 * `myReactions`, `forgetMyReactions` and `claimReactions`, and a deleted user's reactions going
 * with them, through the admin API and through users-permissions' API. Tallies are checked
 * against the stored rows after every change.
 */
import crypto from 'crypto';
import request from 'supertest';
import { createReactionsClient, memoryTokenStore } from '../src/plugins/reactions/client/reactions';
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticle, expectTallyMatchesRows, getTally, newAnonymousReader, putReaction, registerUser, settleChangeFeed, withAuth, type Auth } from './helpers/content';
import { gql } from './helpers/graphql';
import { createApiToken } from './helpers/seeded-server';

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp('own-data');
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

type Mine = { target: string; documentId: string; kind: string; updatedAt: string };

const mine = (auth: Auth = {}, query = '') => withAuth(request(url).get(`/api/reactions/mine${query}`), auth);
const forget = (auth: Auth = {}) => withAuth(request(url).delete('/api/reactions/mine'), auth);
const claim = (auth: Auth = {}) => withAuth(request(url).post('/api/reactions/claim'), auth);

const createVideo = async (): Promise<string> => {
  const doc = await app.strapi.documents('api::video.video').create({
    data: { title: `Clip ${crypto.randomBytes(3).toString('hex')}`, videoUrl: 'https://video.example/clip.mp4' } as never,
    status: 'published',
  });
  return doc.documentId;
};

const expectExact = async (documentId: string, path = 'articles') => {
  const res = await getTally(url, documentId, {}, path);
  expect(res.status).toBe(200);
  await expectTallyMatchesRows(app.strapi, res.body.data, documentId);
  return res.body.data as { total: number; counts: Record<string, number> };
};

const expectPrivate = (res: request.Response) => {
  expect(res.headers['cache-control']).toBe('private, no-store');
  for (const header of ['authorization', 'cookie', 'x-reactor-token']) expect(String(res.headers.vary).toLowerCase()).toContain(header);
};

/** A HS256 JWT for any payload and secret, as an attacker would forge one. */
const forgeJwt = (payload: Record<string, unknown>, secret: string) => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iat: Math.floor(Date.now() / 1000), ...payload })}`;
  return `${body}.${crypto.createHmac('sha256', secret).update(body).digest('base64url')}`;
};

const collectEvents = (name: string) => {
  const events: Array<Record<string, unknown>> = [];
  const listener = async (payload: Record<string, unknown>) => {
    events.push(payload);
  };
  app.strapi.eventHub.on(name, listener);
  return { events, stop: () => app.strapi.eventHub.removeListener(name, listener) };
};

/** Events are emitted once the write commits, asynchronously: wait for them, never sleep blindly. */
const waitForEvents = async (events: unknown[], count: number) => {
  const deadline = Date.now() + 5000;
  while (events.length < count && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  expect(events).toHaveLength(count);
};

describe('GET /api/reactions/mine', () => {
  it('answers an empty page to a caller without identity, privately, and mints no token', async () => {
    const res = await mine();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], meta: { pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 } } });
    expect(res.headers['x-reactor-token']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expectPrivate(res);
  });

  it('refuses a forged token, a token signed with another secret and a bad Authorization header with 401', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id);
    const [tokenId] = String(reader.token).split('.');
    const forgedSignature = crypto.createHmac('sha256', 'not-our-secret').update(`reactor-token:${tokenId}`).digest().subarray(0, 24).toString('base64url');
    for (const auth of [{ token: `${tokenId}.${forgedSignature}` }, { token: 'garbage' }, { token: `${tokenId}.${'A'.repeat(32)}` }]) {
      const res = await mine(auth);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ data: null, error: { status: 401, name: 'UnauthorizedError' } });
    }
    const cookie = await request(url).get('/api/reactions/mine').set('Cookie', 'reactor_token=forged.value');
    expect(cookie.status).toBe(401);
    const header = await request(url).get('/api/reactions/mine').set('Authorization', 'Basic abc');
    expect(header.status).toBe(401);
  });

  it('lists the caller\'s reactions newest first, across targets, with target names, and paginates like Strapi', async () => {
    const [a, b, c] = [await createArticle(app.strapi), await createArticle(app.strapi), await createArticle(app.strapi)];
    const video = await createVideo();
    const reader = await newAnonymousReader(url, a, 'like');
    await putReaction(url, video, 'wow', reader, 'videos');
    await putReaction(url, b, 'sad', reader);
    await putReaction(url, c, 'love', reader);
    // Switching makes a reaction the newest.
    await putReaction(url, a, 'funny', reader);

    const all = await mine(reader);
    expect(all.status).toBe(200);
    expectPrivate(all);
    const items = all.body.data as Mine[];
    expect(items.map(({ target, documentId, kind }) => ({ target, documentId, kind }))).toEqual([
      { target: 'articles', documentId: a, kind: 'funny' },
      { target: 'articles', documentId: c, kind: 'love' },
      { target: 'articles', documentId: b, kind: 'sad' },
      { target: 'videos', documentId: video, kind: 'wow' },
    ]);
    expect(Object.keys(items[0]).sort()).toEqual(['documentId', 'kind', 'target', 'updatedAt']);
    expect(new Date(items[0].updatedAt).toISOString()).toBe(items[0].updatedAt);
    const times = items.map((item) => Date.parse(item.updatedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(all.body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: 4 });

    const page2 = await mine(reader, '?pagination[page]=2&pagination[pageSize]=3');
    expect(page2.status).toBe(200);
    expect(page2.body.data.map((item: Mine) => item.documentId)).toEqual([video]);
    expect(page2.body.meta.pagination).toEqual({ page: 2, pageSize: 3, pageCount: 2, total: 4 });
    const beyond = await mine(reader, '?pagination[page]=9&pagination[pageSize]=3');
    expect(beyond.body).toEqual({ data: [], meta: { pagination: { page: 9, pageSize: 3, pageCount: 2, total: 4 } } });

    const narrowed = await mine(reader, `?documentIds=${video},${b},unknown-id,${'x'.repeat(80)}`);
    expect(narrowed.body.data.map((item: Mine) => item.documentId)).toEqual([b, video]);
    expect(narrowed.body.meta.pagination.total).toBe(2);
    const none = await mine(reader, '?documentIds=nothing-here');
    expect(none.body.data).toEqual([]);
  });

  it('answers 400 in the envelope for bad pagination and too many ids', async () => {
    const reader = await newAnonymousReader(url, await createArticle(app.strapi));
    for (const query of [
      '?pagination[pageSize]=101',
      '?pagination[pageSize]=0',
      '?pagination[page]=0',
      '?pagination[page]=-1',
      '?pagination[page]=abc',
      '?pagination[page]=1.5',
      '?pagination[page]=99999999999',
      '?pagination[start]=0&pagination[limit]=10',
      '?pagination=5',
      '?pagination[page][x]=1',
      `?documentIds=${Array.from({ length: 101 }, (_, i) => `id${i}`).join(',')}`,
      '?documentIds[a]=b',
    ]) {
      const res = await mine(reader, query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    }
  });

  it('leaves out drafts (unpublished documents) and deleted documents', async () => {
    const kept = await createArticle(app.strapi);
    const unpublished = await createArticle(app.strapi);
    const deleted = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, kept, 'like');
    await putReaction(url, unpublished, 'love', reader);
    await putReaction(url, deleted, 'sad', reader);
    await app.strapi.documents('api::article.article').unpublish({ documentId: unpublished });
    await app.strapi.documents('api::article.article').delete({ documentId: deleted });

    const res = await mine(reader);
    expect(res.body.data.map((item: Mine) => item.documentId)).toEqual([kept]);
    expect(res.body.meta.pagination.total).toBe(1);
    const asked = await mine(reader, `?documentIds=${unpublished},${deleted}`);
    expect(asked.body.data).toEqual([]);
  });

  it('never lists another reader\'s reactions, for anonymous or signed-in readers', async () => {
    const id = await createArticle(app.strapi);
    const alice = await newAnonymousReader(url, id, 'love');
    const bob = await newAnonymousReader(url, id, 'angry');
    const carol = await registerUser(url);
    await putReaction(url, id, 'wow', { jwt: carol.jwt });
    const dave = await registerUser(url);

    const lists = await Promise.all([mine(alice), mine(bob), mine({ jwt: carol.jwt }), mine({ jwt: dave.jwt })]);
    expect(lists.map((res) => res.body.data.map((item: Mine) => item.kind))).toEqual([['love'], ['angry'], ['wow'], []]);
    // A JWT and a token together: the JWT's account is the reader, never the token's.
    const both = await mine({ jwt: carol.jwt, token: alice.token });
    expect(both.body.data.map((item: Mine) => item.kind)).toEqual(['wow']);
    expect(JSON.stringify(lists.map((res) => res.body))).not.toMatch(/reader_?key|readerType|"id"|@example/i);
  });

  it('refuses a JWT this server did not sign and the JWT of a deleted user', async () => {
    const user = await registerUser(url);
    const forged = forgeJwt({ id: user.user.id }, 'another-servers-secret');
    expect((await mine({ jwt: forged })).status).toBe(401);
    expect((await forget({ jwt: forged })).status).toBe(401);
    expect((await claim({ jwt: forged, token: (await newAnonymousReader(url, await createArticle(app.strapi))).token })).status).toBe(401);

    const doomed = await registerUser(url);
    await app.strapi.db.query('plugin::users-permissions.user').delete({ where: { id: doomed.user.id } });
    const anonymous = await newAnonymousReader(url, await createArticle(app.strapi));
    expect((await mine({ jwt: doomed.jwt })).status).toBe(401);
    expect((await claim({ jwt: doomed.jwt, token: anonymous.token })).status).toBe(401);
    // Nothing moved: the anonymous reader still has their reaction.
    expect((await mine(anonymous)).body.data).toHaveLength(1);
  });
});

describe('DELETE /api/reactions/mine', () => {
  it('answers 401 without identity and mints no token', async () => {
    const res = await forget();
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ data: null, error: { status: 401, name: 'UnauthorizedError' } });
    expect(res.headers['x-reactor-token']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await forget({ token: 'forged.token' })).status).toBe(401);
  });

  it('erases every reaction of the caller only, keeps tallies exact and emits one reaction.deleted per reaction', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const video = await createVideo();
    const reader = await newAnonymousReader(url, a, 'like');
    await putReaction(url, b, 'love', reader);
    await putReaction(url, video, 'sad', reader, 'videos');
    const other = await newAnonymousReader(url, a, 'like');
    const user = await registerUser(url);
    await putReaction(url, b, 'love', { jwt: user.jwt });

    const { events, stop } = collectEvents('reaction.deleted');
    try {
      const res = await forget(reader);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { removed: 3 } });
      expectPrivate(res);
      await waitForEvents(events, 3);
    } finally {
      stop();
    }
    expect(events.map((event) => event.documentId).sort()).toEqual([a, b, video].sort());
    const onA = events.find((event) => event.documentId === a);
    expect(onA).toMatchObject({ target: 'api::article.article', kind: null, previousKind: 'like', tally: { total: 1, counts: { like: 1 } } });
    expect(JSON.stringify(events)).not.toContain(String(reader.token));

    expect((await expectExact(a)).counts.like).toBe(1);
    expect((await expectExact(b)).counts.love).toBe(1);
    expect((await expectExact(video, 'videos')).total).toBe(0);
    expect((await mine(reader)).body.data).toEqual([]);
    expect((await mine(other)).body.data).toHaveLength(1);
    expect((await mine({ jwt: user.jwt })).body.data).toHaveLength(1);

    // Again: nothing left, still 200.
    expect((await forget(reader)).body).toEqual({ data: { removed: 0 } });
    // The token still works for new reactions.
    expect((await putReaction(url, a, 'wow', reader)).status).toBe(201);
    expect((await forget({ jwt: user.jwt })).body).toEqual({ data: { removed: 1 } });
    await expectExact(b);
  });
});

describe('POST /api/reactions/claim', () => {
  it('needs a JWT (401) and a reactor token (400); a forged token is 401', async () => {
    const id = await createArticle(app.strapi);
    const anonymous = await newAnonymousReader(url, id);
    const user = await registerUser(url);
    const noJwt = await claim(anonymous);
    expect(noJwt.status).toBe(401);
    expect(noJwt.body).toMatchObject({ data: null, error: { status: 401, name: 'UnauthorizedError' } });
    const noToken = await claim({ jwt: user.jwt });
    expect(noToken.status).toBe(400);
    expect(noToken.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    expect((await claim({ jwt: user.jwt, token: 'forged.token' })).status).toBe(401);
    expect((await claim()).status).toBe(401);
    expect((await mine(anonymous)).body.data).toHaveLength(1);
  });

  it('moves reactions without overlap, keeps tallies, links the user, clears the cookie, and is idempotent', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const anonymous = await newAnonymousReader(url, a, 'love');
    await putReaction(url, b, 'sad', anonymous);
    const user = await registerUser(url);
    const before = [await expectExact(a), await expectExact(b)];

    const res = await withAuth(request(url).post('/api/reactions/claim'), { jwt: user.jwt }).set('Cookie', `reactor_token=${anonymous.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { moved: 2, dropped: 0 } });
    expectPrivate(res);
    const cleared = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('reactor_token='));
    expect(cleared).toMatch(/^reactor_token=;/);
    expect(cleared?.toLowerCase()).toMatch(/expires=thu, 01 jan 1970|max-age=0/);

    expect([await expectExact(a), await expectExact(b)]).toEqual(before);
    const listed = await mine({ jwt: user.jwt });
    expect(listed.body.data.map((item: Mine) => [item.documentId, item.kind])).toEqual([
      [b, 'sad'],
      [a, 'love'],
    ]);
    expect((await mine(anonymous)).body.data).toEqual([]);
    expect((await getTally(url, a, { jwt: user.jwt })).body.data.mine).toBe('love');

    // The Reaction rows now link to the user (the Content Manager shows who).
    const linked = await app.strapi.db.query('plugin::reactions.reaction').findMany({
      where: { targetDocumentId: { $in: [a, b] } },
      populate: { user: { select: ['id'] } },
      select: ['readerType'],
    });
    expect(linked.map((row: { readerType: string; user: { id: number } | null }) => [row.readerType, row.user?.id])).toEqual([
      ['user', user.user.id],
      ['user', user.user.id],
    ]);

    const again = await claim({ jwt: user.jwt, token: anonymous.token });
    expect(again.body).toEqual({ data: { moved: 0, dropped: 0 } });
    expect([await expectExact(a), await expectExact(b)]).toEqual(before);
  });

  it('with overlap keeps the account\'s reaction and drops the anonymous one: counted once per story', async () => {
    const [shared, onlyAnonymous, onlyUser] = [await createArticle(app.strapi), await createArticle(app.strapi), await createArticle(app.strapi)];
    const anonymous = await newAnonymousReader(url, shared, 'angry');
    await putReaction(url, onlyAnonymous, 'wow', anonymous);
    const user = await registerUser(url);
    await putReaction(url, shared, 'love', { jwt: user.jwt });
    await putReaction(url, onlyUser, 'like', { jwt: user.jwt });
    expect((await expectExact(shared)).total).toBe(2);

    const { events, stop } = collectEvents('reaction.deleted');
    try {
      const res = await claim({ jwt: user.jwt, token: anonymous.token });
      expect(res.body).toEqual({ data: { moved: 1, dropped: 1 } });
      // The public tally read right after the answer is fresh: the cached one went with the claim.
      expect((await getTally(url, shared)).body.data.counts).toMatchObject({ love: 1, angry: 0 });
      await waitForEvents(events, 1);
    } finally {
      stop();
    }
    expect(events[0]).toMatchObject({ documentId: shared, previousKind: 'angry', tally: { total: 1, counts: { love: 1, angry: 0 } } });

    const tally = await expectExact(shared);
    expect(tally.total).toBe(1);
    expect(tally.counts.love).toBe(1);
    await expectExact(onlyAnonymous);
    await expectExact(onlyUser);
    expect((await mine({ jwt: user.jwt })).body.data.map((item: Mine) => [item.documentId, item.kind]).sort()).toEqual(
      [
        [shared, 'love'],
        [onlyAnonymous, 'wow'],
        [onlyUser, 'like'],
      ].sort()
    );
    // Reacting again with the old token creates a new anonymous reaction: the bar forgets the token after a claim.
    expect((await claim({ jwt: user.jwt, token: anonymous.token })).body).toEqual({ data: { moved: 0, dropped: 0 } });
  });

  it('another account cannot claim what was already claimed, and a claim never touches other readers', async () => {
    const id = await createArticle(app.strapi);
    const anonymous = await newAnonymousReader(url, id, 'like');
    const bystander = await newAnonymousReader(url, id, 'sad');
    const first = await registerUser(url);
    const second = await registerUser(url);
    expect((await claim({ jwt: first.jwt, token: anonymous.token })).body.data).toEqual({ moved: 1, dropped: 0 });
    expect((await claim({ jwt: second.jwt, token: anonymous.token })).body.data).toEqual({ moved: 0, dropped: 0 });
    expect((await mine({ jwt: second.jwt })).body.data).toEqual([]);
    expect((await mine(bystander)).body.data.map((item: Mine) => item.kind)).toEqual(['sad']);
    await expectExact(id);
  });
});

describe('limits', () => {
  afterEach(() => {
    app.strapi.config.set('plugin::reactions.rateLimit', 0);
  });

  it('counts erase and claim as one write each, and the list against a read budget of ten times the write limit', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id);
    app.strapi.config.set('plugin::reactions.rateLimit', 2);
    for (let i = 0; i < 20; i += 1) expect((await mine(reader)).status).toBe(200);
    const over = await mine(reader);
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.body).toMatchObject({ data: null, error: { status: 429 } });
    // A caller without identity costs nothing and is not counted.
    expect((await mine()).status).toBe(200);

    const user = await registerUser(url);
    const writer = await newAnonymousReader(url, await createArticle(app.strapi));
    expect((await forget({ jwt: user.jwt })).status).toBe(200);
    expect((await claim({ jwt: user.jwt, token: writer.token })).status).toBe(200);
    const third = await forget({ jwt: user.jwt });
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('deleting a user', () => {
  it('through the admin API (Content Manager) deletes their reactions with the user, tallies exact, events emitted', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const user = await registerUser(url);
    await putReaction(url, a, 'love', { jwt: user.jwt });
    await putReaction(url, b, 'wow', { jwt: user.jwt });
    const other = await newAnonymousReader(url, a, 'love');

    const superAdmin = await app.strapi.service('admin::role').getSuperAdmin();
    await app.strapi.service('admin::user').create({
      email: 'privacy-officer@example.test', firstname: 'Pri', lastname: 'Vacy', password: 'Officer-pass-1', isActive: true, roles: [superAdmin.id],
    });
    const login = await request(url).post('/admin/login').send({ email: 'privacy-officer@example.test', password: 'Officer-pass-1' });
    expect(login.status).toBe(200);
    const stored = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: user.user.id } });

    const { events, stop } = collectEvents('reaction.deleted');
    try {
      const res = await request(url)
        .delete(`/content-manager/collection-types/plugin::users-permissions.user/${stored.documentId}`)
        .set('Authorization', `Bearer ${login.body.data.token}`);
      expect(res.status).toBe(200);
      await waitForEvents(events, 2);
    } finally {
      stop();
    }
    expect(events.map((event) => event.documentId).sort()).toEqual([a, b].sort());

    expect(await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: user.user.id } })).toBeNull();
    const tallyA = await expectExact(a);
    expect(tallyA.counts.love).toBe(1);
    expect((await expectExact(b)).total).toBe(0);
    const key = app.strapi.plugin('reactions').service('readers').userReaderKey(user.user.id);
    expect(await app.strapi.db.connection('reader_reactions').where('reader_key', key).select('id')).toEqual([]);
    expect((await mine(other)).body.data).toHaveLength(1);
  });

  it('through users-permissions\' DELETE /api/users/:id deletes their reactions, tallies exact', async () => {
    const id = await createArticle(app.strapi);
    const user = await registerUser(url);
    await putReaction(url, id, 'funny', { jwt: user.jwt });
    // Claimed reactions belong to the user too.
    const anonymous = await newAnonymousReader(url, await createArticle(app.strapi), 'sad');
    await claim({ jwt: user.jwt, token: anonymous.token });
    await putReaction(url, id, 'funny', await newAnonymousReader(url, id, 'funny'));
    expect((await expectExact(id)).counts.funny).toBe(2);

    const apiToken = await createApiToken(app.strapi, `user-admin-${crypto.randomBytes(3).toString('hex')}`);
    const res = await request(url).delete(`/api/users/${user.user.id}`).set('Authorization', `Bearer ${apiToken}`);
    expect(res.status).toBe(200);
    const tally = await expectExact(id);
    expect(tally.counts.funny).toBe(1);
    const key = app.strapi.plugin('reactions').service('readers').userReaderKey(user.user.id);
    expect(await app.strapi.db.connection('reader_reactions').where('reader_key', key).select('id')).toEqual([]);
  });
});

describe('deleting users in bulk and switching anonymous reactions off', () => {
  it('a bulk delete by query (deleteMany) deletes every deleted user\'s reactions', async () => {
    const id = await createArticle(app.strapi);
    const [first, second, kept] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    for (const user of [first, second, kept]) await putReaction(url, id, 'love', { jwt: user.jwt });
    expect((await expectExact(id)).counts.love).toBe(3);
    await app.strapi.db.query('plugin::users-permissions.user').deleteMany({ where: { id: { $in: [first.user.id, second.user.id] } } });
    const tally = await expectExact(id);
    expect(tally.counts.love).toBe(1);
    expect((await mine({ jwt: kept.jwt })).body.data).toHaveLength(1);
  });

  it('with anonymous reactions switched off, a token holder may still list, erase and claim what they reacted with', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const reader = await newAnonymousReader(url, a, 'like');
    const other = await newAnonymousReader(url, b, 'sad');
    app.strapi.config.set('plugin::reactions.anonymous', false);
    try {
      expect((await putReaction(url, b, 'like', reader)).status).toBe(401);
      expect((await mine(reader)).body.data.map((item: Mine) => item.documentId)).toEqual([a]);
      expect((await forget(reader)).body).toEqual({ data: { removed: 1 } });
      await expectExact(a);
      const user = await registerUser(url);
      expect((await claim({ jwt: user.jwt, token: other.token })).body).toEqual({ data: { moved: 1, dropped: 0 } });
      await expectExact(b);
    } finally {
      app.strapi.config.set('plugin::reactions.anonymous', true);
    }
  });
});

describe('GraphQL', () => {
  const MY = `query Mine($ids: [ID!], $pagination: PaginationArg) {
    myReactions(documentIds: $ids, pagination: $pagination) { data { target documentId kind updatedAt } pagination { page pageSize pageCount total } }
  }`;

  it('myReactions lists the caller\'s reactions like REST; no identity is an empty page; bad input is 400', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const reader = await newAnonymousReader(url, a, 'like');
    await putReaction(url, b, 'sad', reader);
    const rest = await mine(reader);
    const res = await gql(url, MY, {}, reader);
    expect(res.status).toBe(200);
    expect(res.body.data.myReactions).toEqual({ data: rest.body.data, pagination: rest.body.meta.pagination });
    const paged = await gql(url, MY, { ids: [a, b], pagination: { page: 2, pageSize: 1 } }, reader);
    expect(paged.body.data.myReactions).toEqual({ data: [rest.body.data[1]], pagination: { page: 2, pageSize: 1, pageCount: 2, total: 2 } });

    expect((await gql(url, MY)).body.data.myReactions).toEqual({ data: [], pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 } });
    const forged = await gql(url, MY, {}, { token: 'forged.token' });
    expect(forged.body.errors[0].extensions.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    for (const pagination of [{ pageSize: 101 }, { page: 0 }, { start: 0, limit: 5 }]) {
      const bad = await gql(url, MY, { pagination }, reader);
      expect(bad.body.errors[0].extensions.error).toMatchObject({ status: 400, name: 'ValidationError' });
    }
  });

  it('forgetMyReactions and claimReactions act as REST does, one reader per request', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const anonymous = await newAnonymousReader(url, a, 'like');
    await putReaction(url, b, 'love', anonymous);
    const user = await registerUser(url);
    await putReaction(url, a, 'wow', { jwt: user.jwt });

    const noJwt = await gql(url, 'mutation { claimReactions { moved dropped } }', {}, anonymous);
    expect(noJwt.body.errors[0].extensions.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    const noToken = await gql(url, 'mutation { claimReactions { moved dropped } }', {}, { jwt: user.jwt });
    expect(noToken.body.errors[0].extensions.error).toMatchObject({ status: 400, name: 'ValidationError' });

    const claimed = await gql(url, 'mutation { first: claimReactions { moved dropped } again: claimReactions { moved dropped } }', {}, { jwt: user.jwt, token: anonymous.token });
    expect(claimed.body.data).toEqual({ first: { moved: 1, dropped: 1 }, again: { moved: 0, dropped: 0 } });
    expect((await expectExact(a)).total).toBe(1);
    await expectExact(b);

    const none = await gql(url, 'mutation { forgetMyReactions { removed } }');
    expect(none.body.errors[0].extensions.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    expect(none.headers['x-reactor-token']).toBeUndefined();

    // A request that reacts and then forgets, without a token: one reader, whose new reaction goes.
    const fresh = await createArticle(app.strapi);
    const both = await gql(
      url,
      `mutation { react(documentId: "${fresh}", kind: like) { total } forgetMyReactions { removed } }`
    );
    expect(both.body.data).toEqual({ react: { total: 1 }, forgetMyReactions: { removed: 1 } });
    expect((await expectExact(fresh)).total).toBe(0);

    const forgot = await gql(url, 'mutation { forgetMyReactions { removed } }', {}, { jwt: user.jwt });
    expect(forgot.body.data.forgetMyReactions).toEqual({ removed: 2 });
    expect((await expectExact(a)).total).toBe(0);
    expect((await expectExact(b)).total).toBe(0);
  });
});

describe('cached public tallies after a removal of a reader', () => {
  const ARTICLE = 'api::article.article';

  it('are dropped before the removal answers, so a public read right after is fresh', async () => {
    const id = await createArticle(app.strapi);
    const user = await registerUser(url);
    await putReaction(url, id, 'sad', { jwt: user.jwt });
    const cache = app.strapi.plugin('reactions').service('tallyCache') as {
      tally: (uid: string, id: string) => Promise<unknown>;
      has: (uid: string, id: string) => boolean;
    };
    // On PostgreSQL the write's own notification comes back asynchronously and would drop the entry.
    await settleChangeFeed(app.strapi);
    await cache.tally(ARTICLE, id);
    expect(cache.has(ARTICLE, id)).toBe(true);
    // The same path as a claim's dropped reactions (ownership announceRemoved).
    await app.strapi.plugin('reactions').service('ownership').forgetUser(user.user.id);
    expect(cache.has(ARTICLE, id)).toBe(false);
    expect((await getTally(url, id)).body.data.counts.sad).toBe(0);
  });
});

describe('the typed client (the plugin client, client/reactions.ts)', () => {
  it('lists, claims and erases a reader’s own reactions, and reads trends, over real HTTP', async () => {
    const [a, b] = [await createArticle(app.strapi), await createArticle(app.strapi)];
    const tokens = memoryTokenStore();
    const anonymous = createReactionsClient({ apiBase: url, tokenStore: tokens });
    expect(await anonymous.mine()).toEqual({ data: [], meta: { pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 } } });
    await anonymous.react(a, 'love');
    await anonymous.react(b, 'sad');
    const token = tokens.get();
    expect(token).toEqual(expect.any(String));

    const narrowed = await anonymous.mine({ documentIds: [a] });
    expect(narrowed.data.map(({ target, documentId, kind }) => ({ target, documentId, kind }))).toEqual([{ target: 'articles', documentId: a, kind: 'love' }]);
    const paged = await anonymous.mine({ page: 2, pageSize: 1 });
    expect(paged.data).toHaveLength(1);
    expect(paged.meta.pagination).toEqual({ page: 2, pageSize: 1, pageCount: 2, total: 2 });

    const trends = await anonymous.trends({ window: '1h', kind: 'love', limit: 50 });
    expect(trends.meta).toMatchObject({ target: 'articles', window: '1h', kind: 'love', limit: 50 });
    expect(trends.data.find((trend) => trend.documentId === a)?.counts.love).toBe(1);
    await expect(anonymous.trends({ window: '2y' as never })).rejects.toMatchObject({ status: 400, errorName: 'ValidationError' });

    const user = await registerUser(url);
    const signedIn = createReactionsClient({ apiBase: url, tokenStore: tokens, jwt: () => user.jwt });
    expect(await signedIn.claim()).toEqual({ moved: 2, dropped: 0 });
    expect(tokens.get()).toBeNull();
    expect((await signedIn.mine()).meta.pagination.total).toBe(2);
    expect(await signedIn.forgetMine()).toEqual({ removed: 2 });
    expect((await expectExact(a)).total).toBe(0);
    expect((await expectExact(b)).total).toBe(0);
    await expect(createReactionsClient({ apiBase: url }).forgetMine()).rejects.toMatchObject({ status: 401, errorName: 'UnauthorizedError' });
  });
});
