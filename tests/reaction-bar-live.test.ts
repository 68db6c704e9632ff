/**
 * The reaction bar's live mode in Chromium: two readers (two browser contexts, so two cookie
 * jars and storages) on the demo page, which turns `live` on. A reaction in one appears in the
 * other within a second, with no reload; the public counts are read without identity (the
 * request a CDN may answer) and the reader's own state separately.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, waitForExpression } from './helpers/browser';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { startServerProcess, type ServerProcess } from './helpers/server-process';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

const COUNT_OF = (kind: string) =>
  `Number(document.querySelector('reaction-bar').shadowRoot.querySelector('button[data-kind="${kind}"] .count').textContent.replace(/\\D/g, ''))`;
const LIVE_READY = `(() => { const bar = document.querySelector('reaction-bar'); return !!bar && bar.hasAttribute('live-connected') && bar.shadowRoot.querySelector('.kinds').getAttribute('aria-busy') === 'false'; })()`;


const openReader = async (documentId: string) => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const requests: Array<{ url: string; headers: Record<string, string> }> = [];
  page.on('request', (req) => requests.push({ url: req.url(), headers: req.headers() }));
  await page.goto(`${server.url}/index.html?article=${documentId}`);
  await waitForExpression(page, LIVE_READY);
  return { page, problems, requests };
};

beforeAll(async () => {
  database = await createTestDatabase('bar-live');
  [server, browser] = await Promise.all([startServerProcess({ ...database.env, SEED_SAMPLE_CONTENT: 'true' }), launchBrowser()]);
}, 240000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('<reaction-bar live> in Chromium', () => {
  it("shows another reader's reaction within a second, both ways, without a reload", async () => {
    const list = (await (await fetch(`${server.url}/api/articles?sort=publishedAt:desc&pagination[pageSize]=1`)).json()) as {
      data: Array<{ documentId: string }>;
    };
    const documentId = list.data[0].documentId;
    const alice = await openReader(documentId);
    const bob = await openReader(documentId);
    const loveBefore = await bob.page.evaluate<number>(COUNT_OF('love'));

    await alice.page.locator('reaction-bar button[data-kind="love"]').click();
    const started = Date.now();
    await waitForExpression(bob.page, `${COUNT_OF('love')} === ${loveBefore + 1}`, 3000);
    expect(Date.now() - started).toBeLessThan(1000);
    // Bob's own choice is untouched: only counts travel on the stream.
    expect(await bob.page.evaluate<boolean>(`document.querySelector('reaction-bar').shadowRoot.querySelector('button[aria-pressed="true"]') === null`)).toBe(true);

    const wowBefore = await alice.page.evaluate<number>(COUNT_OF('wow'));
    await bob.page.locator('reaction-bar button[data-kind="wow"]').click();
    const back = Date.now();
    await waitForExpression(alice.page, `${COUNT_OF('wow')} === ${wowBefore + 1}`, 3000);
    expect(Date.now() - back).toBeLessThan(1000);
    // Alice still sees her own reaction pressed.
    expect(
      await alice.page.evaluate<string | null>(
        `document.querySelector('reaction-bar').shadowRoot.querySelector('button[aria-pressed="true"]')?.dataset.kind ?? null`
      )
    ).toBe('love');

    // The counts came from the public read (no token, no cookie); the stream carried no identity either.
    const publicReads = bob.requests.filter((r) => r.url.endsWith(`/api/articles/${documentId}/reactions`) && !r.headers['x-reactor-token']);
    expect(publicReads.length).toBeGreaterThan(0);
    const streamRequests = [...alice.requests, ...bob.requests].filter((r) => r.url.includes('/api/reaction-stream'));
    expect(streamRequests.length).toBeGreaterThanOrEqual(2);
    for (const request of streamRequests) {
      expect(request.headers['x-reactor-token']).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
    }
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });

  it("after a reload, the reader's own reaction still shows (private read) next to the public counts", async () => {
    const list = (await (await fetch(`${server.url}/api/articles?sort=publishedAt:desc&pagination[pageSize]=2`)).json()) as {
      data: Array<{ documentId: string }>;
    };
    const documentId = list.data[1].documentId;
    const reader = await openReader(documentId);
    await reader.page.locator('reaction-bar button[data-kind="sad"]').click();
    await waitForExpression(reader.page, `document.querySelector('reaction-bar').shadowRoot.querySelector('button[data-kind="sad"]').getAttribute('aria-pressed') === 'true' && !document.querySelector('reaction-bar').hasAttribute('busy')`);
    await reader.page.reload();
    await waitForExpression(reader.page, LIVE_READY);
    await waitForExpression(reader.page, `document.querySelector('reaction-bar').shadowRoot.querySelector('button[data-kind="sad"]').getAttribute('aria-pressed') === 'true'`);
  });
});
