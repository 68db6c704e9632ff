/**
 * Attacks over GraphQL against a production server process: ballot stuffing with aliases and
 * fragments, query floods, id batching, deep nesting, schema discovery. Each gains nothing (the
 * tally moves by at most one per reader, or the request is refused with 400 before it runs) and
 * honest readers are still served.
 */
import request from 'supertest';
import { TALLY_FIELDS } from './helpers/graphql';
import { createArticle } from './helpers/content';
import { startServerProcess, type ServerProcess } from './helpers/server-process';
import { startSeededServer, storedRowsOf, type SeededServer } from './helpers/seeded-server';

const WRITE_LIMIT = 5;

let target: SeededServer<{ ids: string[] }>;
let url: string;

beforeAll(async () => {
  target = await startSeededServer(
    'gql-attacks',
    async (strapi) => {
      const ids: string[] = [];
      for (let i = 0; i < 8; i += 1) ids.push(await createArticle(strapi, { title: `Attack target ${i}` }));
      return { ids };
    },
    { REACTIONS_RATE_LIMIT: String(WRITE_LIMIT), REACTIONS_NEW_READERS_PER_ADDRESS: '0' }
  );
  url = target.server.url;
});
afterAll(async () => {
  await target?.stop();
});

const gql = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  request(url).post('/graphql').set(headers).send({ query, variables });

const expectRefused = (res: request.Response) => {
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors[0].extensions.error).toMatchObject({ status: 400, name: 'ValidationError' });
};

/** Tally and stored rows, read back the way the outside world sees them, plus the database. */
const tallyOf = async (documentId: string) => (await request(url).get(`/api/articles/${documentId}/reactions`)).body.data;

describe('one request is one reader', () => {
  it('counts five aliased react mutations without a token as one reader, with one token issued', async () => {
    const [id] = target.seeded.ids;
    const kinds = ['like', 'love', 'wow', 'sad', 'funny'];
    const fields = kinds.map((kind, i) => `m${i}: react(documentId: "${id}", kind: ${kind}) { ${TALLY_FIELDS} }`);
    const res = await gql(`mutation { ${fields.join(' ')} }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    // Every field saw the same single reader moving its one reaction.
    for (let i = 0; i < kinds.length; i += 1) expect(res.body.data[`m${i}`]).toMatchObject({ total: 1, mine: kinds[i] });
    const token = res.headers['x-reactor-token'];
    expect(typeof token).toBe('string');
    expect(token.split(',')).toHaveLength(1);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []).filter((c) => c.startsWith('reactor_token='));
    expect(new Set(cookies.map((c) => c.split(';')[0]))).toEqual(new Set([`reactor_token=${token}`]));
    expect((await tallyOf(id)).total).toBe(1);
    const mine = await request(url).get(`/api/articles/${id}/reactions`).set('X-Reactor-Token', token);
    expect(mine.body.data.mine).toBe('funny');
    expect(await storedRowsOf(target.database, id)).toHaveLength(1);
  });

  it('lets a reader react and unreact in one request, leaving nothing behind', async () => {
    const id = target.seeded.ids[1];
    const res = await gql(`mutation { a: react(documentId: "${id}", kind: like) { total } b: unreact(documentId: "${id}") { total mine } }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ a: { total: 1 }, b: { total: 0, mine: null } });
    expect((await tallyOf(id)).total).toBe(0);
  });

  it('counts every mutation of a request against the write limit', async () => {
    const id = target.seeded.ids[2];
    const fields = Array.from({ length: 8 }, (_, i) => `m${i}: react(documentId: "${id}", kind: ${i % 2 ? 'like' : 'love'}) { total }`);
    const res = await gql(`mutation { ${fields.join(' ')} }`);
    // Mutations run in order: five writes pass, the sixth is refused, and (the field being
    // non-null) the request stops there.
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].path).toEqual([`m${WRITE_LIMIT}`]);
    expect(res.body.errors[0].extensions.error).toMatchObject({ status: 429, name: 'RateLimitError' });
    const token = res.headers['x-reactor-token'];
    const tally = (await request(url).get(`/api/articles/${id}/reactions`).set('X-Reactor-Token', token)).body.data;
    expect(tally).toMatchObject({ total: 1, mine: WRITE_LIMIT % 2 ? 'love' : 'like' });
  });

  it('refuses more than ten mutation fields with 400 before any of them runs', async () => {
    const id = target.seeded.ids[3];
    const fields = Array.from({ length: 50 }, (_, i) => `m${i}: react(documentId: "${id}", kind: like) { total }`);
    const res = await gql(`mutation { ${fields.join(' ')} }`);
    expectRefused(res);
    expect(res.headers['x-reactor-token']).toBeUndefined();
    // The same through a fragment on Mutation.
    const eleven = Array.from({ length: 11 }, (_, i) => `m${i}: react(documentId: "${id}", kind: like) { total }`).join(' ');
    expectRefused(await gql(`mutation { ...Stuff } fragment Stuff on Mutation { ${eleven} }`));
    expect((await tallyOf(id)).total).toBe(0);
  });
});

describe('bounded query cost', () => {
  it('refuses 3000 aliases of reactionTallies over 100 ids fast, and an honest reader is not slowed', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `id${String(i).padStart(21, '0')}`);
    const fields = Array.from({ length: 3000 }, (_, i) => `t${i}: reactionTallies(documentIds: $ids) { total }`);
    const flood = `query ($ids: [ID!]!) { ${fields.join(' ')} }`;
    expect(flood.length).toBeGreaterThan(150_000);
    const honest = () => request(url).get(`/api/articles/${target.seeded.ids[0]}/reactions`);
    await honest();
    const started = Date.now();
    const [refused, served] = await Promise.all([gql(flood, { ids }), honest()]);
    const elapsed = Date.now() - started;
    expectRefused(refused);
    expect(served.status).toBe(200);
    // The unguarded server spent about 3 s on this request; refused before validation it costs a parse of 2000 tokens.
    expect(elapsed).toBeLessThan(1000);
  });

  it('refuses many aliases, a high cost or deep nesting with 400, and counts tally ids across the operation', async () => {
    const [id] = target.seeded.ids;
    expectRefused(await gql(`{ ${Array.from({ length: 25 }, (_, i) => `k${i}: reactionKinds { kind }`).join(' ')} }`));
    const deep = `{ articles { ${'localizations { '.repeat(12)}title${' }'.repeat(12)} } }`;
    expectRefused(await gql(deep));
    const sixty = JSON.stringify(Array.from({ length: 60 }, (_, i) => `x${i}`));
    expectRefused(await gql(`{ a: reactionTallies(documentIds: ${sixty}) { total } b: reactionTallies(documentIds: ${sixty}) { total } }`));
    const ids = Array.from({ length: 60 }, (_, i) => `x${i}`);
    expectRefused(
      await gql('query ($a: [ID!]!, $b: [ID!]!) { a: reactionTallies(documentIds: $a) { total } b: reactionTallies(documentIds: $b) { total } }', {
        a: ids,
        b: ids,
      })
    );
    // Batched operations in one HTTP request are not accepted at all.
    const batch = await request(url).post('/graphql').send([{ query: '{ reactionKinds { kind } }' }, { query: '{ reactionKinds { kind } }' }]);
    expect(batch.status).toBe(400);
    // Honest queries still pass: a front page, and 100 ids in one field.
    const page = await gql(`{ articles(pagination: { pageSize: 25 }) { documentId title reactionTally { ${TALLY_FIELDS} } } }`);
    expect(page.status).toBe(200);
    expect(page.body.data.articles.length).toBe(8);
    const hundred = await gql('query ($ids: [ID!]!) { reactionTallies(documentIds: $ids) { documentId } }', {
      ids: [id, ...Array.from({ length: 99 }, (_, i) => `y${i}`)],
    });
    expect(hundred.body.data.reactionTallies).toEqual([{ documentId: id }]);
  });

  it('keeps introspection off in production', async () => {
    const res = await gql('{ __schema { types { name } } }');
    expectRefused(res);
    expect(JSON.stringify(res.body)).not.toContain('ReactionTally');
  });
});

describe('introspection switched on by the operator', () => {
  let server: ServerProcess;
  afterAll(async () => {
    await server?.stop();
  });
  it('answers with GRAPHQL_INTROSPECTION=true in production', async () => {
    server = await startServerProcess({ ...target.database.env, GRAPHQL_INTROSPECTION: 'true' });
    const res = await request(server.url).post('/graphql').send({ query: '{ __type(name: "ReactionTally") { fields { name } } }' });
    expect(res.status).toBe(200);
    expect(res.body.data.__type.fields.map((f: { name: string }) => f.name)).toEqual(['documentId', 'total', 'counts', 'mine', 'closed', 'kinds']);
  });
});
