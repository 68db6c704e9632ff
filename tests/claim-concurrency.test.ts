/**
 * Claims racing with the same reader's writes from other tabs, over real HTTP on a real Strapi
 * (run it on PostgreSQL too: DATABASE_CLIENT=postgres node scripts/with-postgres.mjs npx jest
 * tests/claim-concurrency.test.ts). Whatever the interleaving: never a 5xx, at most one reaction
 * per reader per document, every anonymous reaction either moved or dropped exactly once, and
 * every tally equal to its stored rows (reconcile finds nothing to repair).
 */
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticles, expectTallyMatchesRows, getTally, newAnonymousReader, putReaction, registerUser, withAuth, type Auth } from './helpers/content';

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp('claim-race');
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];

const claim = (auth: Auth) => withAuth(request(url).post('/api/reactions/claim'), auth);

const readerKeys = () => app.strapi.plugin('reactions').service('readers') as { userReaderKey: (id: number) => string };

const rowsOf = async (documentIds: string[]) =>
  (await app.strapi.db.connection('reader_reactions').select('target_document_id', 'reader_key').whereIn('target_document_id', documentIds)) as Array<{
    target_document_id: string;
    reader_key: string;
  }>;

const expectAllExact = async (documentIds: string[]) => {
  for (const id of documentIds) {
    const res = await getTally(url, id);
    expect(res.status).toBe(200);
    await expectTallyMatchesRows(app.strapi, res.body.data, id);
  }
  const repairs = await app.strapi.plugin('reactions').service('maintenance').reconcile({ repair: false });
  expect(repairs).toEqual([]);
};

describe('claim under concurrency', () => {
  it('several claims of one token at once: the reactions move exactly once', async () => {
    const ids = await createArticles(app.strapi, 8);
    const anonymous = await newAnonymousReader(url, ids[0], 'like');
    for (const id of ids.slice(1)) await putReaction(url, id, 'love', anonymous);
    const user = await registerUser(url);
    for (const id of ids.slice(0, 3)) await putReaction(url, id, 'wow', { jwt: user.jwt });

    const results = await Promise.all(Array.from({ length: 6 }, () => claim({ jwt: user.jwt, token: anonymous.token })));
    expect(results.map((res) => res.status)).toEqual(Array(6).fill(200));
    const moved = results.reduce((sum, res) => sum + res.body.data.moved, 0);
    const dropped = results.reduce((sum, res) => sum + res.body.data.dropped, 0);
    expect({ moved, dropped }).toEqual({ moved: 5, dropped: 3 });

    const rows = await rowsOf(ids);
    const userKey = readerKeys().userReaderKey(user.user.id);
    expect(rows).toHaveLength(8);
    expect(rows.every((row) => row.reader_key === userKey)).toBe(true);
    await expectAllExact(ids);
  });

  it('claims racing with the same reader\'s anonymous and signed-in writes leave one reaction per document and exact tallies', async () => {
    for (let round = 0; round < 3; round += 1) {
      const ids = await createArticles(app.strapi, 6);
      const anonymous = await newAnonymousReader(url, ids[0], 'like');
      let anonymousCreated = 1;
      for (const id of ids.slice(1, 4)) {
        if ((await putReaction(url, id, 'sad', anonymous)).status === 201) anonymousCreated += 1;
      }
      const user = await registerUser(url);
      await putReaction(url, ids[2], 'love', { jwt: user.jwt });
      // Other readers on the same stories, whose reactions must stay untouched.
      const bystanders = await Promise.all(ids.slice(0, 3).map((id) => newAnonymousReader(url, id, 'angry')));

      const work: Array<{ who: 'claim' | 'anonymous' | 'user'; response: Promise<request.Response> }> = [];
      for (let i = 0; i < 24; i += 1) {
        const id = ids[i % ids.length];
        const kind = KINDS[(i * 3 + round) % KINDS.length];
        if (i % 4 === 0) work.push({ who: 'claim', response: claim({ jwt: user.jwt, token: anonymous.token }) });
        else if (i % 4 === 1) work.push({ who: 'anonymous', response: putReaction(url, id, kind, anonymous) });
        else if (i % 4 === 2) work.push({ who: 'user', response: putReaction(url, id, kind, { jwt: user.jwt }) });
        else work.push({ who: 'anonymous', response: putReaction(url, ids[(i + 1) % ids.length], kind, anonymous) });
      }
      const responses = await Promise.all(work.map(async ({ who, response }) => ({ who, res: await response })));
      expect(responses.filter(({ res }) => res.status >= 500).map(({ res }) => res.body)).toEqual([]);
      expect(responses.every(({ res }) => [200, 201].includes(res.status))).toBe(true);

      const claims = responses.filter(({ who }) => who === 'claim').map(({ res }) => res);
      anonymousCreated += responses.filter(({ who, res }) => who === 'anonymous' && res.status === 201).length;
      // The tab that still holds the token may have reacted after the last claim: one more sweeps it up.
      const last = await claim({ jwt: user.jwt, token: anonymous.token });
      expect(last.status).toBe(200);
      const swept = [...claims, last].reduce((sum, res) => sum + res.body.data.moved + res.body.data.dropped, 0);
      expect(swept).toBe(anonymousCreated);

      const rows = await rowsOf(ids);
      const userKey = readerKeys().userReaderKey(user.user.id);
      const bystanderKeys = new Set(rows.filter((row) => row.reader_key !== userKey).map((row) => row.reader_key));
      expect(bystanderKeys.size).toBe(bystanders.length);
      // Exactly one reaction per document for the reader (the account), none left under the token.
      const mine = rows.filter((row) => row.reader_key === userKey).map((row) => row.target_document_id);
      expect([...mine].sort()).toEqual([...ids].sort());
      expect(rows.length).toBe(mine.length + bystanders.length);
      await expectAllExact(ids);
    }
  });
});
