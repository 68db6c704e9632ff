/**
 * The reaction bar's live mode in Chromium: two readers (two browser contexts, so two cookie
 * jars and storages) on the demo page, which turns `live` on. A reaction in one appears in the
 * other with no reload; the public counts are read without identity (the
 * request a CDN may answer) and the reader's own state separately. Every live bar of a page
 * shares one stream.
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
  it("shows another reader's reaction, both ways, without a reload", async () => {
    const list = (await (await fetch(`${server.url}/api/articles?sort=publishedAt:desc&pagination[pageSize]=1`)).json()) as {
      data: Array<{ documentId: string }>;
    };
    const documentId = list.data[0].documentId;
    const alice = await openReader(documentId);
    const bob = await openReader(documentId);
    const loveBefore = await bob.page.evaluate<number>(COUNT_OF('love'));

    // No speed bound (the bench's business): the change arrives without a reload.
    await alice.page.locator('reaction-bar button[data-kind="love"]').click();
    await waitForExpression(bob.page, `${COUNT_OF('love')} === ${loveBefore + 1}`);
    // Bob's own choice is untouched: only counts travel on the stream.
    expect(await bob.page.evaluate<boolean>(`document.querySelector('reaction-bar').shadowRoot.querySelector('button[aria-pressed="true"]') === null`)).toBe(true);

    const wowBefore = await alice.page.evaluate<number>(COUNT_OF('wow'));
    await bob.page.locator('reaction-bar button[data-kind="wow"]').click();
    await waitForExpression(alice.page, `${COUNT_OF('wow')} === ${wowBefore + 1}`);
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

  it('opens one stream for all the live bars of a page, and opens it once more when bars come and go', async () => {
    const list = (await (await fetch(`${server.url}/api/articles?sort=publishedAt:desc&pagination[pageSize]=4`)).json()) as {
      data: Array<{ documentId: string }>;
    };
    const ids = list.data.map((article) => article.documentId);
    expect(ids).toHaveLength(4);
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const streams: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/api/reaction-stream')) streams.push(req.url());
    });
    // A page of the API's origin with three live bars and one that is not live.
    const html =
      '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/api/reactions/reaction-bar.js"></script></head><body>' +
      ids.slice(0, 3).map((id) => `<reaction-bar live document-id="${id}"></reaction-bar>`).join('') +
      `<reaction-bar document-id="${ids[3]}"></reaction-bar></body></html>`;
    await page.route(`${server.url}/several-bars.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    const ALL_LIVE_READY = `[...document.querySelectorAll('reaction-bar[live]')].every((bar) => bar.hasAttribute('live-connected') && bar.shadowRoot.querySelector('.kinds').getAttribute('aria-busy') === 'false')`;
    const countIn = (index: number, kind: string) =>
      `Number(document.querySelectorAll('reaction-bar')[${index}].shadowRoot.querySelector('button[data-kind="${kind}"] .count').textContent.replace(/\\D/g, ''))`;
    const idsOf = (streamUrl: string) => (new URL(streamUrl).searchParams.get('documentIds') ?? '').split(',').sort();

    await page.goto(`${server.url}/several-bars.html`);
    await waitForExpression(page, ALL_LIVE_READY);
    expect(streams).toHaveLength(1);
    expect(idsOf(streams[0])).toEqual(ids.slice(0, 3).sort());

    // Each event reaches the bar of its document, and only that one.
    const angryBefore = [await page.evaluate<number>(countIn(0, 'angry')), await page.evaluate<number>(countIn(1, 'angry')), await page.evaluate<number>(countIn(2, 'angry'))];
    const put = await fetch(`${server.url}/api/articles/${ids[1]}/reactions`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { kind: 'angry' } }),
    });
    expect(put.status).toBe(201);
    await waitForExpression(page, `${countIn(1, 'angry')} === ${angryBefore[1] + 1}`);
    expect(await page.evaluate<number>(countIn(0, 'angry'))).toBe(angryBefore[0]);
    expect(await page.evaluate<number>(countIn(2, 'angry'))).toBe(angryBefore[2]);

    // One bar leaves and another turns live in the same task: the shared stream is opened once more, with the new set.
    const reopened = page.waitForRequest((req) => req.url().includes('/api/reaction-stream'));
    await page.evaluate(`(() => { const bars = document.querySelectorAll('reaction-bar'); bars[0].remove(); bars[3].setAttribute('live', ''); })()`);
    await reopened;
    await waitForExpression(page, ALL_LIVE_READY);
    expect(streams).toHaveLength(2);
    expect(idsOf(streams[1])).toEqual(ids.slice(1, 4).sort());
    expect(problems).toEqual([]);
  });
});
