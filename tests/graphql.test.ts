/**
 * The GraphQL half of the contract over real HTTP to /graphql, on the same service as REST.
 */
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticle, createArticles, countQueries, expectTallyMatchesRows, getTally, putReaction, registerUser } from './helpers/content';
import { gql, TALLY_FIELDS } from './helpers/graphql';

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp('graphql');
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

const REACT = `mutation React($id: ID!, $kind: ReactionKind!) { react(documentId: $id, kind: $kind) { ${TALLY_FIELDS} } }`;
const UNREACT = `mutation Unreact($id: ID!) { unreact(documentId: $id) { ${TALLY_FIELDS} } }`;

describe('schema', () => {
  it('has the contract types, the kind enum from config, and Article.reactionTally', async () => {
    const res = await gql(url, `{
      kind: __type(name: "ReactionKind") { enumValues { name } }
      counts: __type(name: "ReactionCounts") { fields { name type { kind ofType { name } } } }
      tally: __type(name: "ReactionTally") { fields { name } }
      article: __type(name: "Article") { fields { name } }
    }`);
    expect(res.status).toBe(200);
    expect(res.body.data.kind.enumValues.map((v: { name: string }) => v.name)).toEqual(['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow']);
    expect(res.body.data.counts.fields.every((f: { type: { kind: string; ofType: { name: string } } }) => f.type.kind === 'NON_NULL' && f.type.ofType.name === 'Int')).toBe(true);
    expect(res.body.data.tally.fields.map((f: { name: string }) => f.name).sort()).toEqual(['closed', 'counts', 'documentId', 'kinds', 'mine', 'total']);
    expect(res.body.data.article.fields.map((f: { name: string }) => f.name)).toContain('reactionTally');
  });

  it('exposes no raw reactions through shadow CRUD', async () => {
    const res = await gql(url, `{
      query: __type(name: "Query") { fields { name } }
      mutation: __type(name: "Mutation") { fields { name } }
      reaction: __type(name: "Reaction") { name }
    }`);
    const names = [...res.body.data.query.fields, ...res.body.data.mutation.fields].map((f: { name: string }) => f.name);
    expect(names.filter((n: string) => /reaction(s|Counter|Counters)?$|Reaction(_connection)?$|ReactionCounter/i.test(n) && !['reactionTallies', 'reactionKinds', 'myReactions', 'forgetMyReactions', 'claimReactions'].includes(n))).toEqual([]);
    expect(names).not.toContain('createReaction');
    expect(names).not.toContain('deleteReaction');
    expect(res.body.data.reaction).toBeNull();
    const direct = await gql(url, '{ reactions { readerKey } }');
    expect(direct.body.errors?.[0]?.extensions?.error?.status).toBe(400);
  });
});

describe('queries', () => {
  it('reactionKinds lists the configured kinds', async () => {
    const res = await gql(url, '{ reactionKinds { kind label emoji } }');
    expect(res.body.data.reactionKinds[2]).toEqual({ kind: 'love', label: 'Love', emoji: '❤️' });
    expect(res.body.data.reactionKinds).toHaveLength(7);
  });

  it('keeps drafts private from the public, also with status: DRAFT', async () => {
    const draft = await createArticle(app.strapi, { published: false, title: 'GraphQL secret draft' });
    const list = await gql(url, '{ articles(status: DRAFT, filters: { title: { eq: "GraphQL secret draft" } }) { documentId } }');
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data.articles).toEqual([]);
    const one = await gql(url, `{ article(documentId: "${draft}", status: DRAFT) { documentId } }`);
    expect(one.body.data?.article ?? null).toBeNull();
  });

  it('reactionTallies returns published tallies in the order asked', async () => {
    const [a, b] = await createArticles(app.strapi, 2);
    const draft = await createArticle(app.strapi, { published: false });
    await putReaction(url, a, 'sad');
    const res = await gql(url, `query T($ids: [ID!]!) { reactionTallies(documentIds: $ids) { ${TALLY_FIELDS} } }`, { ids: [b, draft, 'unknown', a] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.reactionTallies.map((t: { documentId: string }) => t.documentId)).toEqual([b, a]);
    expect(res.body.data.reactionTallies[1]).toMatchObject({ total: 1, counts: { sad: 1 }, mine: null });
  });

  it('articles carry reactionTally with the caller\'s own kind', async () => {
    const id = await createArticle(app.strapi, { title: 'GraphQL embedded story' });
    const first = await gql(url, REACT, { id, kind: 'funny' });
    const token = first.headers['x-reactor-token'];
    const res = await gql(
      url,
      `{ articles(filters: { title: { eq: "GraphQL embedded story" } }) { documentId title reactionTally { ${TALLY_FIELDS} } } }`,
      {},
      { token }
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.articles).toEqual([
      { documentId: id, title: 'GraphQL embedded story', reactionTally: { documentId: id, total: 1, mine: 'funny', counts: { like: 0, dislike: 0, love: 0, funny: 1, angry: 0, sad: 0, wow: 0 } } },
    ]);
  });

  it('articles(pageSize 25) { reactionTally } costs as many queries as pageSize 5', async () => {
    await createArticles(app.strapi, 25);
    const page = (size: number) => gql(url, `{ articles(pagination: { pageSize: ${size} }) { documentId reactionTally { total mine counts { like } } } }`);
    await page(5);
    const small = await countQueries(app.strapi, async () => {
      const res = await page(5);
      expect(res.body.data.articles).toHaveLength(5);
    });
    const large = await countQueries(app.strapi, async () => {
      const res = await page(25);
      expect(res.body.data.articles).toHaveLength(25);
      expect(res.body.data.articles.every((a: { reactionTally: { total: number } }) => typeof a.reactionTally.total === 'number')).toBe(true);
    });
    expect(large).toBe(small);
  });
});

describe('mutations', () => {
  it('react issues a token (header and cookie), switches, and unreact clears, for anonymous readers', async () => {
    const id = await createArticle(app.strapi);
    const first = await gql(url, REACT, { id, kind: 'love' });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.react).toMatchObject({ documentId: id, total: 1, mine: 'love' });
    const token = first.headers['x-reactor-token'];
    expect(token).toBeTruthy();
    expect(String(first.headers['set-cookie'])).toContain(`reactor_token=${token}`);

    const switched = await gql(url, REACT, { id, kind: 'wow' }, { token });
    expect(switched.body.data.react).toMatchObject({ total: 1, mine: 'wow', counts: { love: 0, wow: 1 } });
    expect(switched.headers['x-reactor-token']).toBeUndefined();

    const cleared = await gql(url, UNREACT, { id }, { token });
    expect(cleared.body.data.unreact).toMatchObject({ total: 0, mine: null });
    const again = await gql(url, UNREACT, { id }, { token });
    expect(again.body.data.unreact.total).toBe(0);
  });

  it('recognises signed-in readers by JWT', async () => {
    const id = await createArticle(app.strapi);
    const { jwt } = await registerUser(url);
    const res = await gql(url, REACT, { id, kind: 'angry' }, { jwt });
    expect(res.body.data.react.mine).toBe('angry');
    expect(res.headers['x-reactor-token']).toBeUndefined();
    expect((await getTally(url, id, { jwt })).body.data.mine).toBe('angry');
  });

  it('agrees with REST after mixed writes through both', async () => {
    const id = await createArticle(app.strapi);
    const restReader = { token: (await putReaction(url, id, 'like')).headers['x-reactor-token'] as string };
    const gqlReader = { token: (await gql(url, REACT, { id, kind: 'sad' })).headers['x-reactor-token'] as string };
    await gql(url, REACT, { id, kind: 'wow' }, restReader);
    await putReaction(url, id, 'love', gqlReader);
    await gql(url, REACT, { id, kind: 'like' }, {});
    const rest = (await getTally(url, id, gqlReader)).body.data;
    const graph = (await gql(url, `query T($ids: [ID!]!) { reactionTallies(documentIds: $ids) { ${TALLY_FIELDS} closed kinds } }`, { ids: [id] }, gqlReader)).body.data.reactionTallies[0];
    expect(graph).toEqual(rest);
    expect(rest).toMatchObject({ total: 3, mine: 'love', counts: { like: 1, love: 1, wow: 1, sad: 0 } });
    await expectTallyMatchesRows(app.strapi, rest, id);
  });
});

describe('errors', () => {
  const errorOf = (res: { body: { errors?: Array<{ extensions?: { error?: { status: number; name: string } } }> } }) =>
    res.body.errors?.[0]?.extensions?.error;

  it('unknown and draft articles: NotFoundError 404', async () => {
    const draft = await createArticle(app.strapi, { published: false });
    for (const id of ['unknownunknownunknown', draft]) {
      expect(errorOf(await gql(url, REACT, { id, kind: 'like' }))).toMatchObject({ status: 404, name: 'NotFoundError' });
      expect(errorOf(await gql(url, UNREACT, { id }))).toMatchObject({ status: 404, name: 'NotFoundError' });
    }
  });

  it('forged token on reactionTallies: UnauthorizedError 401, as over REST', async () => {
    const id = await createArticle(app.strapi);
    const res = await gql(url, `{ reactionTallies(documentIds: ["${id}"]) { total } }`, {}, { token: 'AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' });
    expect(errorOf(res)).toMatchObject({ status: 401, name: 'UnauthorizedError' });
  });

  it('forged token: UnauthorizedError 401', async () => {
    const id = await createArticle(app.strapi);
    const res = await gql(url, REACT, { id, kind: 'like' }, { token: 'AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' });
    expect(errorOf(res)).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    expect(res.body.data).toBeNull();
  });

  it('unknown kind: a 400 validation error, never an internal error', async () => {
    const id = await createArticle(app.strapi);
    const literal = await gql(url, `mutation { react(documentId: "${id}", kind: meh) { total } }`);
    expect(errorOf(literal)).toMatchObject({ status: 400, name: 'ValidationError' });
    const variable = await gql(url, REACT, { id, kind: 'meh' });
    expect(errorOf(variable)).toMatchObject({ status: 400, name: 'ValidationError' });
  });

  it('rate limit: RateLimitError 429', async () => {
    const id = await createArticle(app.strapi);
    const token = (await gql(url, REACT, { id, kind: 'like' })).headers['x-reactor-token'];
    app.strapi.config.set('plugin::reactions.rateLimit', 1);
    try {
      expect((await gql(url, REACT, { id, kind: 'love' }, { token })).body.errors).toBeUndefined();
      const limited = await gql(url, REACT, { id, kind: 'sad' }, { token });
      expect(errorOf(limited)).toMatchObject({ status: 429, name: 'RateLimitError' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      app.strapi.config.set('plugin::reactions.rateLimit', 0);
    }
  });

  it('too deep queries and over-large pages are refused as client errors', async () => {
    const deep = await gql(url, `{ articles { cover { related { __typename } } ${'reactionTally { counts { like } } '.repeat(1)} } }`);
    // Within the depth limit: answered, every article with its tally.
    expect(deep.status).toBe(200);
    expect(deep.body.errors).toBeUndefined();
    const nested = `{ ${'__schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } }'} }`;
    const tooDeep = await gql(url, nested);
    expect(tooDeep.status).toBe(400);
    expect(errorOf(tooDeep)).toMatchObject({ status: 400 });
    const big = await gql(url, '{ articles(pagination: { pageSize: 1000 }) { documentId } }');
    // Strapi clamps a larger page to its maxLimit (100): answered, never more than 100.
    expect([big.status, big.body.errors]).toEqual([200, undefined]);
    expect(big.body.data.articles.length).toBeLessThanOrEqual(100);
  });
});
