/**
 * A write answers the tally right after itself, in commit order (API.md, "Reader trust"), over
 * real HTTP on a real Strapi, on SQLite and PostgreSQL. Concurrent writes on one story: every
 * answer is a state the story really passed through, and there is one order of the writes in
 * which each answer is exactly the state its own write left.
 */
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticle, deleteReaction, expectTallyMatchesRows, getTally, newAnonymousReader, putReaction, type Auth } from './helpers/content';

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp('write-answers');
  url = app.url;
});
afterAll(async () => {
  await app?.stop();
});

const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];

type Counts = Record<string, number>;
type Delta = Counts;
type Answer = { total: number; counts: Counts };

const add = (state: Counts, delta: Delta): Counts => {
  const next = { ...state };
  for (const [kind, change] of Object.entries(delta)) next[kind] = (next[kind] ?? 0) + change;
  return next;
};
const same = (a: Counts, b: Counts) => KINDS.every((kind) => (a[kind] ?? 0) === (b[kind] ?? 0));

/**
 * Whether some order of the writes makes every answer the state right after its own write,
 * starting from `start` (a depth-first search over the writes not yet placed, memoised by set).
 */
const serialOrderExists = (start: Counts, writes: Array<{ delta: Delta; answer: Counts }>): boolean => {
  const dead = new Set<string>();
  const search = (state: Counts, placed: boolean[]): boolean => {
    if (placed.every(Boolean)) return true;
    const key = placed.map(Number).join('');
    if (dead.has(key)) return false;
    for (let i = 0; i < writes.length; i += 1) {
      if (placed[i]) continue;
      const next = add(state, writes[i].delta);
      if (!same(next, writes[i].answer)) continue;
      placed[i] = true;
      if (search(next, placed)) return true;
      placed[i] = false;
    }
    dead.add(key);
    return false;
  };
  return search(start, writes.map(() => false));
};

const expectAnswerConsistent = (answer: Answer) => {
  expect(answer.total).toBe(Object.values(answer.counts).reduce((sum, count) => sum + count, 0));
};

describe('write answers in commit order', () => {
  it('40 new readers react to one story at once: the answers carry the totals 1..40, each a state in turn', async () => {
    const id = await createArticle(app.strapi);
    const kinds = Array.from({ length: 40 }, (_, i) => KINDS[i % 3]);
    const responses = await Promise.all(kinds.map((kind) => putReaction(url, id, kind)));
    expect(responses.map((res) => res.status)).toEqual(Array(40).fill(201));
    const answers = responses.map((res) => res.body.data as Answer);
    for (const answer of answers) expectAnswerConsistent(answer);
    expect(answers.map((answer) => answer.total).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    const start = Object.fromEntries(KINDS.map((kind) => [kind, 0]));
    const writes = kinds.map((kind, i) => ({ delta: { [kind]: 1 }, answer: answers[i].counts }));
    expect(serialOrderExists(start, writes)).toBe(true);

    const final = (await getTally(url, id)).body.data as Answer;
    expect(final.total).toBe(40);
    await expectTallyMatchesRows(app.strapi, final, id);
  });

  it('switches, clears and first reactions at once: each answer is the state right after its own write', async () => {
    const id = await createArticle(app.strapi);
    // Readers set up one after another, so the starting state is known.
    const readers: Array<{ auth: Auth; kind: string }> = [];
    for (let i = 0; i < 10; i += 1) {
      const kind = KINDS[i % KINDS.length];
      readers.push({ auth: await newAnonymousReader(url, id, kind), kind });
    }
    const start = (await getTally(url, id)).body.data as Answer;
    expect(start.total).toBe(10);

    type Write = { delta: Delta; response: ReturnType<typeof putReaction> };
    const work: Write[] = [];
    readers.forEach(({ auth, kind }, i) => {
      if (i % 3 === 2) {
        work.push({ delta: { [kind]: -1 }, response: deleteReaction(url, id, auth) });
      } else {
        const next = KINDS[(KINDS.indexOf(kind) + 1 + (i % 4)) % KINDS.length];
        work.push({ delta: { [kind]: -1, [next]: 1 }, response: putReaction(url, id, next, auth) });
      }
    });
    for (let i = 0; i < 6; i += 1) {
      const kind = KINDS[(i * 2) % KINDS.length];
      work.push({ delta: { [kind]: 1 }, response: putReaction(url, id, kind) });
    }
    const responses = await Promise.all(work.map((write) => write.response));
    expect(responses.map((res) => res.status).filter((status) => status !== 200 && status !== 201)).toEqual([]);
    const answers = responses.map((res) => res.body.data as Answer);
    for (const answer of answers) expectAnswerConsistent(answer);

    const writes = work.map((write, i) => ({ delta: write.delta, answer: answers[i].counts }));
    expect(serialOrderExists(start.counts, writes)).toBe(true);

    const final = (await getTally(url, id)).body.data as Answer;
    expect(final.counts).toEqual(work.reduce((state, write) => add(state, write.delta), start.counts));
    await expectTallyMatchesRows(app.strapi, final, id);
  });
});
