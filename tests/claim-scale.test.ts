/**
 * A claim of a token with thousands of reactions, over real HTTP on a real Strapi: on
 * PostgreSQL's default lock table (max_locks_per_transaction 64) it must neither run out of
 * shared lock memory nor take locks per document; on SQLite it must fit the statement limits.
 * The reactions are seeded straight into the database (a batch insert): 5,000 HTTP writes would
 * measure the write path, not the claim.
 */
import crypto from 'crypto';
import type { Context } from 'koa';
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { countQueries, createArticle, newAnonymousReader, putReaction, registerUser, withAuth } from './helpers/content';
import { describeOn } from './helpers/requirements';

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp('claim-scale');
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];
const SEEDED = 5000;

type Readers = { presentedAnonymous: (ctx: Context) => { key: string } | null; userReaderKey: (id: number) => string };
const readers = () => app.strapi.plugin('reactions').service('readers') as Readers;

/** The reader key behind a reactor token, as the readers service derives it from a request. */
const anonymousKey = (token: string): string => {
  const ctx = { get: (name: string) => (name.toLowerCase() === 'x-reactor-token' ? token : ''), cookies: { get: () => undefined } };
  const reader = readers().presentedAnonymous(ctx as unknown as Context);
  if (!reader) throw new Error('the token names no reader');
  return reader.key;
};

const documentId = () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.randomBytes(24), (byte, i) => alphabet[byte % (i === 0 ? 26 : 36)]).join('');
};

/** `count` reactions of one reader on as many new documents, with their counters, in batches. */
const seedReactions = async (readerKey: string, count: number): Promise<string[]> => {
  const now = new Date();
  const ids = Array.from({ length: count }, documentId);
  const rows = ids.map((id, i) => ({
    target_type: 'api::article.article',
    target_document_id: id,
    reader_key: readerKey,
    reader_type: 'anonymous',
    document_id: documentId(),
    kind: KINDS[i % KINDS.length],
    created_at: now,
    updated_at: now,
    published_at: now,
  }));
  const counters = rows.map((row) => ({ target_type: row.target_type, target_document_id: row.target_document_id, kind: row.kind, count: 1 }));
  const db = app.strapi.db.connection;
  // 100 rows of at most 9 columns stay far below SQLite's bound-parameter limit.
  await db.batchInsert('reader_reactions', rows, 100);
  await db.batchInsert('reader_reaction_counters', counters, 100);
  return ids;
};

const claim = (jwt: string, token: string) => withAuth(request(url).post('/api/reactions/claim'), { jwt, token });

const reconcileFinds = () => app.strapi.plugin('reactions').service('maintenance').reconcile({ repair: false }) as Promise<unknown[]>;

describe('claiming thousands of reactions', () => {
  it(`two tokens of ${SEEDED} reactions each are claimed at once: every reaction moves, counters exact`, async () => {
    const article = await createArticle(app.strapi);
    const db = app.strapi.db.connection;
    // Two claims at once share PostgreSQL's lock table: 2 x 5,000 documents.
    const claimants = [];
    for (let i = 0; i < 2; i += 1) {
      const anonymous = await newAnonymousReader(url, article, 'love');
      const key = anonymousKey(anonymous.token as string);
      expect(await seedReactions(key, SEEDED)).toHaveLength(SEEDED);
      claimants.push({ token: anonymous.token as string, key, user: await registerUser(url) });
    }
    // The first account also reacted to the story: its reaction stays, the token's is dropped.
    expect((await putReaction(url, article, 'sad', { jwt: claimants[0].user.jwt })).status).toBe(201);

    const results = await Promise.all(claimants.map(({ user, token }) => claim(user.jwt, token)));
    expect(results.map((res) => res.status)).toEqual([200, 200]);
    expect(results.map((res) => res.body.data)).toEqual([
      { moved: SEEDED, dropped: 1 },
      { moved: SEEDED + 1, dropped: 0 },
    ]);

    for (const { key, user } of claimants) {
      const userKey = readers().userReaderKey(user.user.id);
      expect(Number((await db('reader_reactions').where('reader_key', key).count({ n: '*' }).first())?.n)).toBe(0);
      expect(Number((await db('reader_reactions').where('reader_key', userKey).count({ n: '*' }).first())?.n)).toBe(SEEDED + 1);
      expect(Number((await db('reader_reactions_user_lnk').where('user_id', user.user.id).count({ n: '*' }).first())?.n)).toBe(SEEDED + 1);
    }
    const onArticle = (await db('reader_reaction_counters').where({ target_document_id: article }).where('count', '>', 0)) as Array<{ kind: string; count: number }>;
    expect(Object.fromEntries(onArticle.map((row) => [row.kind, Number(row.count)]))).toEqual({ love: 1, sad: 1 });
    expect(await reconcileFinds()).toEqual([]);

    // Idempotent: nothing is left under the tokens.
    const again = await Promise.all(claimants.map(({ user, token }) => claim(user.jwt, token)));
    expect(again.map((res) => res.body.data)).toEqual([
      { moved: 0, dropped: 0 },
      { moved: 0, dropped: 0 },
    ]);
  });
});

describeOn('postgres', 'claim locks on PostgreSQL', () => {
  it('a claim takes one advisory lock per reader, whatever the number of documents', async () => {
    const article = await createArticle(app.strapi);
    const anonymous = await newAnonymousReader(url, article, 'like');
    await seedReactions(anonymousKey(anonymous.token as string), 500);
    const user = await registerUser(url);
    let res: request.Response | undefined;
    const advisoryStatements = await countQueries(
      app.strapi,
      async () => {
        res = await claim(user.jwt, anonymous.token as string);
      },
      /pg_advisory/
    );
    expect(res?.status).toBe(200);
    expect(res?.body.data).toEqual({ moved: 501, dropped: 0 });
    expect(advisoryStatements).toBeLessThanOrEqual(2);
    expect(await reconcileFinds()).toEqual([]);
  });
});
