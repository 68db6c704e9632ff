/**
 * Reconciliation while readers keep writing, over real HTTP on a real Strapi: the repair goes
 * document by document in batches without table locks, so writes complete while it runs (some
 * are sent between its batches and awaited there, some are in flight during them), and once it
 * is done every counter equals its rows, with exactly the drift that was planted reported.
 */
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticles, deleteReaction, expectTallyMatchesRows, getTally, newAnonymousReader, putReaction, type Auth } from './helpers/content';

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp('reconcile-online');
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

type Repair = { target: string; documentId: string; kind: string; counted: number; stored: number };
type Maintenance = {
  reconcile: (options?: { repair?: boolean; batchSize?: number; onBatch?: (progress: { documents: number }) => Promise<void> | void }) => Promise<Repair[]>;
};
const maintenance = () => app.strapi.plugin('reactions').service('maintenance') as Maintenance;

const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];

describe('reconcile while writes continue', () => {
  it('repairs planted drift exactly while readers react, switch and clear on the same stories', async () => {
    const ids = await createArticles(app.strapi, 6);
    const readers: Array<{ id: string; auth: Auth; kind: string }> = [];
    for (const [i, id] of ids.entries()) {
      for (let j = 0; j < 3; j += 1) {
        const kind = KINDS[(i + j) % KINDS.length];
        readers.push({ id, auth: await newAnonymousReader(url, id, kind), kind });
      }
    }
    const counters = () => app.strapi.db.connection('reader_reaction_counters');
    // Planted drift: a counter too high, one missing, one with no rows behind it.
    await counters().where({ target_document_id: ids[0], kind: readers[0].kind }).increment('count', 5);
    await counters().where({ target_document_id: ids[2], kind: readers[6].kind }).del();
    // (On PostgreSQL every kind's counter row exists once a document is written to, at zero.)
    await counters().where({ target_document_id: ids[4], kind: 'like' }).del();
    await counters().insert({ target_type: 'api::article.article', target_document_id: ids[4], kind: 'like', count: 3 });
    const planted = new Map([
      [`${ids[0]}:${readers[0].kind}`, -5],
      [`${ids[2]}:${readers[6].kind}`, 1],
      [`${ids[4]}:like`, -3],
    ]);

    const inFlight: Array<Promise<{ status: number }>> = [];
    let batches = 0;
    let awaitedDuring = 0;
    const repairs = await maintenance().reconcile({
      batchSize: 1,
      onBatch: async () => {
        batches += 1;
        // Writes on every story, including the drifted kinds, before and after the batch that repairs it.
        for (const id of ids) {
          const res = await putReaction(url, id, KINDS[(batches + 2) % KINDS.length]);
          expect(res.status).toBe(201);
          awaitedDuring += 1;
        }
        const reader = readers[batches % readers.length];
        inFlight.push(putReaction(url, reader.id, KINDS[(KINDS.indexOf(reader.kind) + batches) % KINDS.length], reader.auth));
        inFlight.push(putReaction(url, ids[batches % ids.length], 'wow'));
        const other = readers[(batches * 5) % readers.length];
        inFlight.push(deleteReaction(url, other.id, other.auth));
      },
    });
    const settled = await Promise.all(inFlight);
    expect(settled.filter((res) => res.status !== 200 && res.status !== 201)).toEqual([]);

    // One batch per story, each followed by writes that completed before the repair ended.
    expect(batches).toBeGreaterThanOrEqual(ids.length);
    expect(awaitedDuring).toBe(batches * ids.length);
    // The drift found is the planted drift, whatever the writes did meanwhile (writes move rows and counters together).
    expect(new Map(repairs.map((repair) => [`${repair.documentId}:${repair.kind}`, repair.counted - repair.stored]))).toEqual(planted);

    expect(await maintenance().reconcile({ repair: false })).toEqual([]);
    for (const id of ids) await expectTallyMatchesRows(app.strapi, (await getTally(url, id)).body.data, id);
  });
});
