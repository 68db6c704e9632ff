/**
 * The REST half of the contract, end to end over real HTTP on a real Strapi.
 */
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { DEFAULT_REACTION_KINDS } from '../src/plugins/reactions/client/reactions';
import {
  createArticle,
  createArticles,
  countQueries,
  deleteReaction,
  expectTallyMatchesRows,
  getTally,
  newAnonymousReader,
  putReaction,
  registerUser,
  storedRows,
} from './helpers/content';

const KINDS: string[] = [...DEFAULT_REACTION_KINDS];

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp('rest');
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

describe('GET /api/reaction-kinds', () => {
  it('lists the configured kinds in display order with label and emoji', async () => {
    const res = await request(url).get('/api/reaction-kinds');
    expect(res.status).toBe(200);
    expect(res.body.data.map((k: { kind: string }) => k.kind)).toEqual(KINDS);
    expect(res.body.data[0]).toEqual({ kind: 'like', label: 'Like', emoji: '👍' });
  });
});

describe('PUT, GET and DELETE /api/articles/:documentId/reactions', () => {
  it('creates with 201, issues a token in header and httpOnly cookie, and returns the tally', async () => {
    const id = await createArticle(app.strapi);
    const res = await putReaction(url, id, 'love');
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      documentId: id,
      total: 1,
      counts: { like: 0, dislike: 0, love: 1, funny: 0, angry: 0, sad: 0, wow: 0 },
      mine: 'love',
      closed: false,
      kinds: KINDS,
    });
    expect(Object.keys(res.body.data.counts)).toEqual(KINDS);
    const token = res.headers['x-reactor-token'];
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('reactor_token='));
    expect(cookie).toContain(`reactor_token=${token}`);
    expect(cookie?.toLowerCase()).toContain('httponly');
    expect(cookie?.toLowerCase()).toContain('samesite=lax');
  });

  it('answers 200 for the same kind again and for a switch, moving the count atomically', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id, 'love');
    const same = await putReaction(url, id, 'love', reader);
    expect(same.status).toBe(200);
    expect(same.body.data.counts.love).toBe(1);
    expect(same.headers['x-reactor-token']).toBeUndefined();

    const switched = await putReaction(url, id, 'wow', reader);
    expect(switched.status).toBe(200);
    expect(switched.body.data).toMatchObject({ total: 1, mine: 'wow' });
    expect(switched.body.data.counts).toMatchObject({ love: 0, wow: 1 });
    await expectTallyMatchesRows(app.strapi, switched.body.data, id);
  });

  it('accepts the token back from the cookie alone', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id, 'sad');
    const res = await request(url).get(`/api/articles/${id}/reactions`).set('Cookie', `reactor_token=${reader.token}`);
    expect(res.status).toBe(200);
    expect(res.body.data.mine).toBe('sad');
  });

  it('keeps anonymous and signed-in readers apart, each seeing only their own reaction', async () => {
    const id = await createArticle(app.strapi);
    const anon = await newAnonymousReader(url, id, 'funny');
    const { jwt } = await registerUser(url);
    const signedIn = await putReaction(url, id, 'angry', { jwt });
    expect(signedIn.status).toBe(201);
    expect(signedIn.headers['x-reactor-token']).toBeUndefined();
    expect(signedIn.body.data).toMatchObject({ total: 2, mine: 'angry' });

    expect((await getTally(url, id, anon)).body.data.mine).toBe('funny');
    expect((await getTally(url, id, { jwt })).body.data.mine).toBe('angry');
    const nobody = await getTally(url, id);
    expect(nobody.status).toBe(200);
    expect(nobody.body.data).toMatchObject({ total: 2, mine: null });
    await expectTallyMatchesRows(app.strapi, nobody.body.data, id);

    // A signed-in user is the same reader from any device.
    const again = await putReaction(url, id, 'like', { jwt });
    expect(again.status).toBe(200);
    expect(again.body.data.counts).toMatchObject({ angry: 0, like: 1, funny: 1 });
  });

  it('DELETE removes the reaction and is idempotent', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id, 'like');
    const first = await deleteReaction(url, id, reader);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ total: 0, mine: null });
    const second = await deleteReaction(url, id, reader);
    expect(second.status).toBe(200);
    expect(second.body.data.total).toBe(0);
    expect(await storedRows(app.strapi, id)).toHaveLength(0);
  });

  it('DELETE without any identity answers 200 with the tally and issues a token', async () => {
    const id = await createArticle(app.strapi);
    await newAnonymousReader(url, id, 'like');
    const res = await deleteReaction(url, id);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ total: 1, mine: null });
  });

  it('tracks the tally exactly through a sequence of mixed writes', async () => {
    const id = await createArticle(app.strapi);
    const readers = [] as Array<{ token?: string }>;
    for (let i = 0; i < 6; i += 1) readers.push(await newAnonymousReader(url, id, KINDS[i]));
    const steps: Array<[number, string | null]> = [[0, 'wow'], [1, null], [2, 'wow'], [3, 'like'], [1, 'sad'], [5, null], [0, 'like']];
    for (const [reader, kind] of steps) {
      const res = kind ? await putReaction(url, id, kind, readers[reader]) : await deleteReaction(url, id, readers[reader]);
      expect(res.status).toBeLessThan(300);
      await expectTallyMatchesRows(app.strapi, res.body.data, id);
    }
    const final = (await getTally(url, id)).body.data;
    expect(final.counts).toEqual({ like: 2, dislike: 0, love: 0, funny: 0, angry: 1, sad: 1, wow: 1 });
  });
});

describe('locales and versions', () => {
  it('counts reactions per document across its locales and its draft and published versions', async () => {
    const locales = app.strapi.plugin('i18n').service('locales');
    if (!(await locales.findByCode('fr'))) await locales.create({ code: 'fr', name: 'French (fr)' });
    const articles = app.strapi.documents('api::article.article');
    const english = await articles.create({ data: { title: 'Bridge reopens' } as never, locale: 'en', status: 'published' });
    const id = english.documentId;
    await articles.update({ documentId: id, locale: 'fr', data: { title: 'Le pont rouvre' } as never, status: 'published' });
    // A newer draft beside the published version changes nothing either.
    await articles.update({ documentId: id, locale: 'en', data: { title: 'Bridge reopens after repairs' } as never });

    const first = await putReaction(url, id, 'love');
    expect(first.status).toBe(201);
    await putReaction(url, id, 'wow');
    const en = await request(url).get(`/api/articles/${id}?locale=en`);
    const fr = await request(url).get(`/api/articles/${id}?locale=fr`);
    expect(en.body.data.title).toBe('Bridge reopens');
    expect(fr.body.data.title).toBe('Le pont rouvre');
    expect(fr.body.data.reactionTally).toEqual(en.body.data.reactionTally);
    expect(fr.body.data.reactionTally.total).toBe(2);
    const frList = await request(url).get('/api/articles?locale=fr&filters[title][$eq]=Le pont rouvre');
    expect(frList.body.data[0].reactionTally.total).toBe(2);
    expect(await storedRows(app.strapi, id)).toHaveLength(2);

    // Unpublished in every locale: the public no longer sees it or its tally; the reactions are kept.
    await articles.unpublish({ documentId: id, locale: '*' });
    expect((await getTally(url, id)).status).toBe(404);
    expect(await storedRows(app.strapi, id)).toHaveLength(2);
  });
});

describe('errors', () => {
  let id: string;
  beforeAll(async () => {
    id = await createArticle(app.strapi);
  });

  const expectEnvelope = (res: request.Response, status: number, name: string) => {
    expect(res.status).toBe(status);
    expect(res.body.data).toBeNull();
    expect(res.body.error).toMatchObject({ status, name });
    expect(typeof res.body.error.message).toBe('string');
  };

  it('refuses an unknown kind with 400 listing the allowed kinds', async () => {
    const res = await putReaction(url, id, 'meh');
    expectEnvelope(res, 400, 'ValidationError');
    expect(res.body.error.details.allowed).toEqual(KINDS);
  });

  it.each([
    ['missing data.kind', { data: {} }],
    ['missing data', { kind: 'like' }],
    ['extra user field', { data: { kind: 'like', user: 1 } }],
    ['extra article field', { data: { kind: 'like', article: 'x' } }],
    ['extra top-level field', { data: { kind: 'like' }, readerKey: 'x' }],
    ['kind of the wrong type', { data: { kind: ['like'] } }],
    ['data of the wrong type', { data: 'like' }],
    ['a kind by position', { data: { kind: 0 } }],
  ])('refuses %s with 400', async (_label, body) => {
    const res = await request(url).put(`/api/articles/${id}/reactions`).send(body);
    expectEnvelope(res, 400, 'ValidationError');
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await request(url)
      .put(`/api/articles/${id}/reactions`)
      .set('Content-Type', 'application/json')
      .send('{"data": {"kind": "like"');
    expectEnvelope(res, 400, 'ValidationError');
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await request(url)
      .put(`/api/articles/${id}/reactions`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ data: { kind: 'like', padding: 'x'.repeat(400 * 1024) } }));
    expectEnvelope(res, 413, 'PayloadTooLargeError');
  });

  it('answers 404 for unknown, draft-only and deleted articles, on every method', async () => {
    const draft = await createArticle(app.strapi, { published: false });
    const deleted = await createArticle(app.strapi);
    await app.strapi.documents('api::article.article').delete({ documentId: deleted });
    for (const docId of ['doesnotexist0000000000000', draft, deleted]) {
      expectEnvelope(await getTally(url, docId), 404, 'NotFoundError');
      expectEnvelope(await putReaction(url, docId, 'like'), 404, 'NotFoundError');
      expectEnvelope(await deleteReaction(url, docId), 404, 'NotFoundError');
    }
    expect(await storedRows(app.strapi, draft)).toHaveLength(0);
  });

  it('refuses a reactor token this server did not sign with 401, from header or cookie', async () => {
    const reader = await newAnonymousReader(url, id, 'like');
    const [tokenId, signature] = (reader.token as string).split('.');
    const forged = `${tokenId}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const token of [forged, 'garbage', `${tokenId}.`, 'a'.repeat(500)]) {
      expectEnvelope(await putReaction(url, id, 'love', { token }), 401, 'UnauthorizedError');
      expectEnvelope(await getTally(url, id, { token }), 401, 'UnauthorizedError');
    }
    const viaCookie = await request(url).put(`/api/articles/${id}/reactions`).set('Cookie', `reactor_token=${forged}`).send({ data: { kind: 'love' } });
    expectEnvelope(viaCookie, 401, 'UnauthorizedError');
    expect((await getTally(url, id, reader)).body.data.mine).toBe('like');
  });

  it('says why a token is refused', async () => {
    const res = await putReaction(url, id, 'love', { token: 'garbage' });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/reactor token/i);
  });

  it('refuses an invalid JWT with 401', async () => {
    const res = await request(url).put(`/api/articles/${id}/reactions`).set('Authorization', 'Bearer not.a.jwt').send({ data: { kind: 'like' } });
    expectEnvelope(res, 401, 'UnauthorizedError');
  });
});

describe('GET /api/reaction-tallies', () => {
  it('returns tallies in the order asked, leaving out unknown and unpublished ids', async () => {
    const [a, b, c] = await createArticles(app.strapi, 3);
    const draft = await createArticle(app.strapi, { published: false });
    const reader = await newAnonymousReader(url, b, 'wow');
    await putReaction(url, c, 'sad', reader);
    const res = await request(url)
      .get(`/api/reaction-tallies?documentIds=${c},unknownid,${a},${draft},${b}`)
      .set('X-Reactor-Token', reader.token as string);
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { documentId: string }) => t.documentId)).toEqual([c, a, b]);
    expect(res.body.data[0]).toMatchObject({ total: 1, mine: 'sad' });
    expect(res.body.data[1]).toMatchObject({ total: 0, mine: null });
    expect(res.body.data[2].counts.wow).toBe(1);
  });

  it('leaves out ids that cannot name a document, like unknown ones', async () => {
    const [a] = await createArticles(app.strapi, 1);
    const res = await request(url).get(`/api/reaction-tallies?documentIds=no.pe,${a},${encodeURIComponent("' OR 1=1")}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { documentId: string }) => t.documentId)).toEqual([a]);
  });

  it('refuses more than 100 ids and a missing list with 400', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id${i}`).join(',');
    const tooMany = await request(url).get(`/api/reaction-tallies?documentIds=${ids}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.name).toBe('ValidationError');
    const missing = await request(url).get('/api/reaction-tallies');
    expect(missing.status).toBe(400);
  });
});

describe('Strapi article endpoints carry reactionTally', () => {
  it('adds reactionTally to list and one, with mine for the caller, otherwise stock', async () => {
    const id = await createArticle(app.strapi, { title: 'Embedded tally story' });
    const reader = await newAnonymousReader(url, id, 'funny');
    const list = await request(url)
      .get('/api/articles?filters[title][$eq]=Embedded tally story&fields[0]=title')
      .set('X-Reactor-Token', reader.token as string);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ documentId: id, title: 'Embedded tally story', reactionTally: { total: 1, mine: 'funny' } });
    expect(list.body.data[0].lead).toBeUndefined();
    expect(list.body.meta.pagination).toMatchObject({ page: 1, total: 1 });

    const one = await request(url).get(`/api/articles/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.data.reactionTally).toMatchObject({ documentId: id, total: 1, mine: null });
  });

  it('keeps drafts private from the public, also with status=draft', async () => {
    const draft = await createArticle(app.strapi, { published: false, title: 'Secret draft story' });
    const list = await request(url).get('/api/articles?status=draft&filters[title][$eq]=Secret draft story');
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(0);
    const one = await request(url).get(`/api/articles/${draft}?status=draft`);
    expect(one.status).toBe(404);
  });

  it('costs the same number of SQL queries for 25 articles as for 5', async () => {
    await createArticles(app.strapi, 25);
    const reader = await newAnonymousReader(url, await createArticle(app.strapi), 'like');
    const page = (size: number) =>
      request(url).get(`/api/articles?pagination[pageSize]=${size}`).set('X-Reactor-Token', reader.token as string);
    await page(5);
    let small = 0;
    let large = 0;
    small = await countQueries(app.strapi, async () => {
      const res = await page(5);
      expect(res.body.data).toHaveLength(5);
      expect(res.body.data.every((a: { reactionTally?: unknown }) => a.reactionTally)).toBe(true);
    });
    large = await countQueries(app.strapi, async () => {
      const res = await page(25);
      expect(res.body.data).toHaveLength(25);
      expect(res.body.data.every((a: { reactionTally?: unknown }) => a.reactionTally)).toBe(true);
    });
    expect(large).toBe(small);
  });
});

describe('concurrency', () => {
  it('200 concurrent PUTs from 100 distinct readers end with exactly 100 reactions', async () => {
    const id = await createArticle(app.strapi);
    const other = await createArticle(app.strapi);
    const readers = [];
    for (let i = 0; i < 100; i += 1) readers.push(await newAnonymousReader(url, other, 'like'));
    const responses = await Promise.all(
      readers.flatMap((reader, i) => [putReaction(url, id, KINDS[i % 7], reader), putReaction(url, id, KINDS[(i + 3) % 7], reader)])
    );
    expect(responses.every((res) => res.status === 200 || res.status === 201)).toBe(true);
    expect(responses.filter((res) => res.status === 201)).toHaveLength(100);
    const tally = (await getTally(url, id)).body.data;
    expect(tally.total).toBe(100);
    expect(await storedRows(app.strapi, id)).toHaveLength(100);
    await expectTallyMatchesRows(app.strapi, tally, id);
  });

  it('50 concurrent PUT and DELETE from one reader leave at most one reaction, counted exactly', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, await createArticle(app.strapi), 'like');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 3 === 2 ? deleteReaction(url, id, reader) : putReaction(url, id, KINDS[i % 7], reader)))
    );
    expect(responses.filter((res) => res.status !== 200 && res.status !== 201).map((res) => [res.status, res.body])).toEqual([]);
    const rows = await storedRows(app.strapi, id);
    expect(rows.length).toBeLessThanOrEqual(1);
    const tally = (await getTally(url, id, reader)).body.data;
    await expectTallyMatchesRows(app.strapi, tally, id);
    expect(tally.mine).toBe(rows[0]?.kind ?? null);
  });

  it('keeps no reaction of an article deleted in the middle of a burst of writes', async () => {
    const id = await createArticle(app.strapi);
    const other = await createArticle(app.strapi);
    const readers = [];
    for (let i = 0; i < 30; i += 1) readers.push(await newAnonymousReader(url, other, 'like'));
    const writes = readers.map((reader, i) => putReaction(url, id, KINDS[i % 7], reader));
    const deletion = app.strapi.documents('api::article.article').delete({ documentId: id });
    const responses = await Promise.all(writes);
    await deletion;
    expect(responses.every((res) => [200, 201, 404].includes(res.status))).toBe(true);
    expect(await storedRows(app.strapi, id)).toHaveLength(0);
    expect(await app.strapi.db.connection('reader_reaction_counters').where('target_document_id', id)).toHaveLength(0);
  });

  it('readers switching between two kinds in opposite directions at once never deadlock, and counts stay exact', async () => {
    const id = await createArticle(app.strapi);
    const readers = [];
    for (let i = 0; i < 40; i += 1) readers.push(await newAnonymousReader(url, id, i % 2 === 0 ? 'like' : 'love'));
    for (let round = 0; round < 6; round += 1) {
      const responses = await Promise.all(
        readers.map((reader, i) => putReaction(url, id, (i + round) % 2 === 0 ? 'love' : 'like', reader))
      );
      expect(responses.map((res) => res.status)).toEqual(readers.map(() => 200));
      const tally = (await getTally(url, id)).body.data;
      expect(tally.total).toBe(40);
      expect(tally.counts.like + tally.counts.love).toBe(40);
      await expectTallyMatchesRows(app.strapi, tally, id);
    }
  });

  it('50 identical concurrent PUTs from one signed-in reader store one row', async () => {
    const id = await createArticle(app.strapi);
    const { jwt } = await registerUser(url);
    const responses = await Promise.all(Array.from({ length: 50 }, () => putReaction(url, id, 'love', { jwt })));
    expect(responses.filter((res) => res.status === 201)).toHaveLength(1);
    expect(responses.filter((res) => res.status === 200)).toHaveLength(49);
    expect(await storedRows(app.strapi, id)).toHaveLength(1);
    expect((await getTally(url, id)).body.data.total).toBe(1);
  });
});

describe('stored links', () => {
  it("link a first reaction to the rows of the locale published first, and a signed-in reader's to the user", async () => {
    const locales = app.strapi.plugin('i18n').service('locales');
    if (!(await locales.findByCode('fr'))) await locales.create({ code: 'fr', name: 'French (fr)' });
    const articles = app.strapi.documents('api::article.article');
    const story = await articles.create({ data: { title: 'Le port rouvre', lead: 'Chapeau.' } as never, locale: 'fr', status: 'published' });
    await articles.update({ documentId: story.documentId, locale: 'en', data: { title: 'The harbour reopens', lead: 'Lead.' } as never, status: 'published' });
    const db = app.strapi.db.connection;
    const rows = await db('articles').select('id', 'locale').where('document_id', story.documentId);
    expect(rows.map((row: { locale: string }) => row.locale).sort()).toEqual(['en', 'en', 'fr', 'fr']);

    const { jwt, user } = await registerUser(url);
    expect((await putReaction(url, story.documentId, 'wow', { jwt })).status).toBe(201);
    const anonymous = await putReaction(url, story.documentId, 'sad');
    expect(anonymous.status).toBe(201);
    const stored = await db('reader_reactions').select('id', 'reader_type').where('target_document_id', story.documentId);
    expect(stored).toHaveLength(2);
    const french = rows.filter((row: { locale: string }) => row.locale === 'fr').map((row: { id: number }) => Number(row.id)).sort();
    for (const reaction of stored) {
      const linked = (await db('reader_reactions_article_lnk').select('article_id').where('reaction_id', reaction.id)).map((row: { article_id: number }) => Number(row.article_id));
      expect(linked.sort()).toEqual(french);
      const users = (await db('reader_reactions_user_lnk').select('user_id').where('reaction_id', reaction.id)).map((row: { user_id: number }) => Number(row.user_id));
      expect(users).toEqual(reaction.reader_type === 'user' ? [user.id] : []);
    }
    await expectTallyMatchesRows(app.strapi, (await getTally(url, story.documentId)).body.data, story.documentId);
  });
});

describe('rate limit and anonymous switch', () => {
  afterEach(() => {
    app.strapi.config.set('plugin::reactions.rateLimit', 0);
    app.strapi.config.set('plugin::reactions.anonymous', true);
  });

  it('counts the write that issues the token', async () => {
    const id = await createArticle(app.strapi);
    app.strapi.config.set('plugin::reactions.rateLimit', 2);
    const first = await putReaction(url, id, 'like');
    expect(first.status).toBe(201);
    const reader = { token: first.headers['x-reactor-token'] as string };
    expect((await putReaction(url, id, 'love', reader)).status).toBe(200);
    expect((await putReaction(url, id, 'wow', reader)).status).toBe(429);
  });

  it('answers 429 with Retry-After past the configured writes per minute, REST and GraphQL together', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id, 'like');
    app.strapi.config.set('plugin::reactions.rateLimit', 3);
    for (let i = 0; i < 2; i += 1) expect((await putReaction(url, id, 'love', reader)).status).toBe(200);
    const viaGraphql = await request(url)
      .post('/graphql')
      .set('X-Reactor-Token', reader.token as string)
      .send({ query: `mutation { react(documentId: "${id}", kind: wow) { total } }` });
    expect(viaGraphql.body.errors).toBeUndefined();
    const limited = await putReaction(url, id, 'sad', reader);
    expect(limited.status).toBe(429);
    expect(limited.body.error.name).toBe('RateLimitError');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await getTally(url, id, reader)).body.data.mine).toBe('wow');
    // Reads are never limited.
    expect((await getTally(url, id, reader)).status).toBe(200);
  });

  it('answers 401 to writes without a JWT when anonymous reactions are off, and still accepts JWTs', async () => {
    const id = await createArticle(app.strapi);
    app.strapi.config.set('plugin::reactions.anonymous', false);
    const res = await putReaction(url, id, 'like');
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('UnauthorizedError');
    expect(res.headers['x-reactor-token']).toBeUndefined();
    expect((await deleteReaction(url, id)).status).toBe(401);
    const { jwt } = await registerUser(url);
    expect((await putReaction(url, id, 'like', { jwt })).status).toBe(201);
  });
});
