/**
 * The frontends in a real browser (Debian's Chromium via playwright-core) against `strapi start`
 * with the sample newsroom: the demo page at `/`, the <reaction-bar> web component (optimistic
 * updates, switching, clearing, remembering the reader, keyboard use, refusals and recovery),
 * and the OpenAPI document with its page. Every number the bar shows is checked against
 * GET /api/articles/:documentId/reactions.
 *
 * docs/demo-page.png (the README's screenshot) is written when missing, or again with
 * UPDATE_DOCS_SCREENSHOT=true.
 */
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_REACTION_KINDS, type ReactionKindInfo, type ReactionTally } from '../src/plugins/reactions/client/reactions';
import { launchBrowser, screenshotPath, waitForExpression } from './helpers/browser';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { startServerProcess, type ServerProcess } from './helpers/server-process';
import { APP_DIR } from './helpers/strapi';

type Article = {
  documentId: string;
  title: string;
  lead: string;
  byline: string;
  dateline: string;
  publishedAt: string;
  body: { type: string }[];
  reactionTally: ReactionTally;
};

type BarState = {
  documentId: string;
  heading: string;
  kinds: string[];
  labels: string[];
  counts: Record<string, number>;
  pressed: string[];
  disabled: string[];
  total: number;
  busy: boolean;
  status: string;
};

const README_SCREENSHOT = path.join(APP_DIR, 'docs', 'demo-page.png');

/** Browser-side code is passed as strings: the test tsconfig has no DOM types. */
const BAR_STATE = `(() => {
  const bar = document.querySelector('reaction-bar');
  const root = bar.shadowRoot;
  const buttons = [...root.querySelectorAll('button[data-kind]')];
  return {
    documentId: bar.getAttribute('document-id'),
    heading: root.querySelector('.heading').textContent,
    kinds: buttons.map((b) => b.dataset.kind),
    labels: buttons.map((b) => b.querySelector('.label').textContent),
    counts: Object.fromEntries(buttons.map((b) => [b.dataset.kind, Number(b.querySelector('.count').textContent.replace(/\\D/g, ''))])),
    pressed: buttons.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.kind),
    disabled: buttons.filter((b) => b.getAttribute('aria-disabled') === 'true').map((b) => b.dataset.kind),
    total: Number(root.querySelector('.total').dataset.total),
    busy: root.querySelector('[role=group]').getAttribute('aria-busy') === 'true',
    status: root.querySelector('[role=status]').textContent,
  };
})()`;

const BAR_IDLE = `(() => {
  const bar = document.querySelector('reaction-bar');
  const group = bar && bar.shadowRoot && bar.shadowRoot.querySelector('[role=group]');
  return Boolean(group && group.getAttribute('aria-busy') === 'false' && group.querySelector('button[data-kind]'));
})()`;

const ACTIVE_KIND = `(() => {
  const active = document.querySelector('reaction-bar').shadowRoot.activeElement;
  return active ? { kind: active.dataset.kind || null, outline: getComputedStyle(active).outlineStyle, width: getComputedStyle(active).outlineWidth } : null;
})()`;

const tokenKey = (server: ServerProcess) => `reaction-bar:token:${server.url}`;

let database: TestDatabase;
let limitedDatabase: TestDatabase;
let server: ServerProcess;
let limited: ServerProcess;
let browser: Browser;
let articles: Article[];
let kinds: ReactionKindInfo<string>[];
const contexts: BrowserContext[] = [];

const getJson = async <T>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> => {
  const res = await fetch(url, { headers: { Accept: 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
};

const apiTally = async (base: string, documentId: string, token?: string | null) => {
  const res = await getJson<{ data: ReactionTally<string> }>(`${base}/api/articles/${documentId}/reactions`, token ? { 'X-Reactor-Token': token } : {});
  expect(res.status).toBe(200);
  return res.body.data;
};

const newPage = async (options: { viewport?: { width: number; height: number } } = {}) => {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1200, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  return { context, page, problems, requests };
};


const waitIdle = (page: Page) => waitForExpression(page, BAR_IDLE);
const barState = (page: Page) => page.evaluate<BarState>(BAR_STATE);
const readerToken = (page: Page, base: ServerProcess) => page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(tokenKey(base))})`);
const button = (page: Page, kind: string) => page.locator(`reaction-bar button[data-kind="${kind}"]`);

/** What the bar shows equals what the API says, for this reader. */
const expectBarMatchesApi = async (page: Page, base: ServerProcess, documentId: string) => {
  await waitIdle(page);
  const state = await barState(page);
  const tally = await apiTally(base.url, documentId, await readerToken(page, base));
  expect(state.documentId).toBe(documentId);
  expect(state.counts).toEqual(tally.counts);
  expect(state.total).toBe(tally.total);
  expect(state.pressed).toEqual(tally.mine ? [tally.mine] : []);
  return { state, tally };
};

/**
 * Opens the demo page. The bar's tests use its file name, so that they test the bar whatever
 * serves `/`; the first test checks that `/` itself is the demo page.
 */
const openArticle = async (page: Page, base: ServerProcess, documentId?: string, entry = '/index.html') => {
  await page.goto(documentId ? `${base.url}${entry}?article=${documentId}` : `${base.url}${entry}`);
  await waitIdle(page);
};

beforeAll(async () => {
  [database, limitedDatabase] = await Promise.all([createTestDatabase('demo'), createTestDatabase('demo-limited')]);
  [server, limited, browser] = await Promise.all([
    startServerProcess({ ...database.env, SEED_SAMPLE_CONTENT: 'true' }),
    // A second server whose readers may write twice a minute: the refusal test.
    startServerProcess({ ...limitedDatabase.env, SEED_SAMPLE_CONTENT: 'true', REACTIONS_RATE_LIMIT: '2' }),
    launchBrowser(),
  ]);
  const list = await getJson<{ data: Article[] }>(`${server.url}/api/articles?sort=publishedAt:desc&pagination[pageSize]=10`);
  articles = list.body.data;
  kinds = (await getJson<{ data: ReactionKindInfo<string>[] }>(`${server.url}/api/reaction-kinds`)).body.data;
  expect(articles.length).toBeGreaterThanOrEqual(3);
}, 240000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await Promise.all([server?.stop(), limited?.stop()]);
  await Promise.all([database?.drop(), limitedDatabase?.drop()]);
});

describe('the demo page at /', () => {
  it('is served at / with the latest published stories, the latest one rendered like a news page', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    const html = await home.text();
    expect(html).toContain('src="/api/reactions/reaction-bar.js"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts: the CSP forbids them

    const { page, problems, requests } = await newPage();
    await openArticle(page, server, undefined, '/');

    const listed = await page.locator('[data-role="latest"] a').allTextContents();
    expect(listed).toEqual(articles.map((article) => article.title));
    const latest = articles[0];
    expect(await page.locator('main h1').textContent()).toBe(latest.title);
    expect(await page.locator('.story__lead').textContent()).toBe(latest.lead);
    const meta = await page.locator('.story__meta').textContent();
    expect(meta).toContain(latest.dateline);
    expect(meta).toContain(`By ${latest.byline}`);
    expect(meta).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4} - \d{2}:\d{2}/);
    expect(await page.locator('.story__body > p').count()).toBe(latest.body.filter((block) => block.type === 'paragraph').length);
    expect(await page.locator('.story__body h2').count()).toBe(latest.body.filter((block) => block.type === 'heading').length);
    expect(await page.locator('.story__body blockquote').count()).toBe(latest.body.filter((block) => block.type === 'quote').length);
    // The bar comes after the body, as on a news page.
    expect(await page.locator('article > :last-child').evaluate((node) => node.tagName)).toBe('REACTION-BAR');

    const { state, tally } = await expectBarMatchesApi(page, server, latest.documentId);
    expect(state.heading).toBe("What's Your Reaction?");
    expect(state.kinds).toEqual(kinds.map((info) => info.kind));
    expect(state.labels).toEqual(kinds.map((info) => info.label));
    expect(tally.mine).toBeNull();
    // The frontend types' default kinds follow config/reactions.ts.
    expect([...DEFAULT_REACTION_KINDS]).toEqual(kinds.map((info) => info.kind));

    await page.screenshot({ path: screenshotPath('demo-page'), fullPage: true });
    expect(problems).toEqual([]);
    // Everything the page needs comes from this server: it works offline.
    expect(requests.filter((url) => !url.startsWith(server.url))).toEqual([]);
  });

  it('shows the article chosen in the list, with a shareable ?article= address', async () => {
    const { page, problems } = await newPage();
    await openArticle(page, server);
    const target = articles[2];
    await page.locator(`[data-role="latest"] a[data-document-id="${target.documentId}"]`).click();
    await waitForExpression(page, `document.querySelector('main h1')?.textContent === ${JSON.stringify(target.title)}`);
    expect(new URL(page.url()).searchParams.get('article')).toBe(target.documentId);
    expect(await page.locator('[data-role="latest"] a[aria-current="page"]').textContent()).toBe(target.title);
    await expectBarMatchesApi(page, server, target.documentId);

    await page.goBack();
    await waitForExpression(page, `document.querySelector('main h1')?.textContent === ${JSON.stringify(articles[0].title)}`);
    await expectBarMatchesApi(page, server, articles[0].documentId);

    await page.goto(`${server.url}/index.html?article=doesnotexist000000000000`);
    await page.locator('text=This story is not available.').waitFor();
    expect(problems.filter((problem) => !problem.includes('404'))).toEqual([]);
  });
});

describe('the reaction bar', () => {
  const story = () => articles[1];
  /** The first reader's browser, kept for the second-reader test. */
  let firstReader: Awaited<ReturnType<typeof newPage>>;

  it('counts a reaction at once, switches it, and remembers the reader after a reload', async () => {
    firstReader = await newPage();
    const { page, context, problems } = firstReader;
    await openArticle(page, server, story().documentId);
    expect(await page.locator('main h1').textContent()).toBe(story().title);
    const { state: before } = await expectBarMatchesApi(page, server, story().documentId);
    expect(before.pressed).toEqual([]);

    // Hold each write until the test lets it go: the bar must show the reader's choice before the server answers.
    let letGo = () => {};
    let gate = Promise.resolve();
    const holdNextWrite = () => {
      gate = new Promise<void>((resolve) => {
        letGo = resolve;
      });
    };
    await page.route('**/api/articles/*/reactions', async (route) => {
      if (route.request().method() !== 'GET') await gate;
      await route.continue();
    });

    holdNextWrite();
    await button(page, 'love').click();
    const optimistic = await barState(page);
    expect(optimistic.busy).toBe(true);
    expect(optimistic.counts.love).toBe(before.counts.love + 1);
    expect(optimistic.pressed).toEqual(['love']);
    expect(optimistic.total).toBe(before.total + 1);
    letGo();
    const afterLove = await expectBarMatchesApi(page, server, story().documentId);
    expect(afterLove.tally.mine).toBe('love');
    expect(afterLove.tally.counts.love).toBe(before.counts.love + 1);
    expect(await button(page, 'love').getAttribute('aria-pressed')).toBe('true');

    // The anonymous token: kept for cross-origin use, and as the server's httpOnly cookie.
    const token = await readerToken(page, server);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const cookie = (await context.cookies(server.url)).find((c) => c.name === 'reactor_token');
    expect(cookie?.value).toBe(token);
    expect(cookie?.httpOnly).toBe(true);

    if (!fs.existsSync(README_SCREENSHOT) || process.env.UPDATE_DOCS_SCREENSHOT === 'true') {
      fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
      await page.setViewportSize({ width: 1100, height: 900 });
      await page.screenshot({ path: README_SCREENSHOT, fullPage: true });
      await page.setViewportSize({ width: 1200, height: 900 });
    }

    holdNextWrite();
    await button(page, 'wow').click();
    const switching = await barState(page);
    expect(switching.busy).toBe(true);
    expect(switching.counts.love).toBe(before.counts.love);
    expect(switching.counts.wow).toBe(before.counts.wow + 1);
    expect(switching.pressed).toEqual(['wow']);
    letGo();
    const afterWow = await expectBarMatchesApi(page, server, story().documentId);
    expect(afterWow.tally.mine).toBe('wow');
    expect(afterWow.tally.counts.love).toBe(before.counts.love);
    expect(afterWow.tally.counts.wow).toBe(before.counts.wow + 1);
    expect(afterWow.tally.total).toBe(before.total + 1);
    await page.unroute('**/api/articles/*/reactions');

    await page.reload();
    const reloaded = await expectBarMatchesApi(page, server, story().documentId);
    expect(reloaded.state.pressed).toEqual(['wow']);
    expect(await readerToken(page, server)).toBe(token);

    await page.screenshot({ path: screenshotPath('demo-page-reacted'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('treats a second browser as a second reader with a choice of its own', async () => {
    const first = firstReader;
    await openArticle(first.page, server, story().documentId);
    const firstState = (await expectBarMatchesApi(first.page, server, story().documentId)).state;
    expect(firstState.pressed).toEqual(['wow']);

    const second = await newPage({ viewport: { width: 390, height: 844 } });
    await openArticle(second.page, server, story().documentId);
    const secondBefore = (await expectBarMatchesApi(second.page, server, story().documentId)).state;
    expect(secondBefore.pressed).toEqual([]);
    expect(secondBefore.counts).toEqual(firstState.counts);

    await button(second.page, 'like').click();
    const secondAfter = await expectBarMatchesApi(second.page, server, story().documentId);
    expect(secondAfter.tally.mine).toBe('like');
    expect(secondAfter.tally.counts.like).toBe(firstState.counts.like + 1);
    expect(await readerToken(second.page, server)).not.toBe(await readerToken(first.page, server));
    await second.page.screenshot({ path: screenshotPath('demo-page-mobile'), fullPage: true });

    // The first reader still has their own choice and now sees the second reader's like.
    await first.page.reload();
    const firstAgain = await expectBarMatchesApi(first.page, server, story().documentId);
    expect(firstAgain.state.pressed).toEqual(['wow']);
    expect(firstAgain.state.counts.like).toBe(firstState.counts.like + 1);

    // Clicking your own choice again clears it.
    await button(second.page, 'like').click();
    const cleared = await expectBarMatchesApi(second.page, server, story().documentId);
    expect(cleared.tally.mine).toBeNull();
    expect(cleared.tally.counts.like).toBe(firstState.counts.like);
    expect([...first.problems, ...second.problems]).toEqual([]);
  });

  it('drops into a page on another origin (api-base), keeping the reader by header token', async () => {
    const target = articles[2];
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title>
      <script type="module" src="${server.url}/api/reactions/reaction-bar.js"></script></head>
      <body><h1>A partner's page</h1><reaction-bar document-id="${target.documentId}" api-base="${server.url}"></reaction-bar></body></html>`;
    const partner = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(html);
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}/`;
    try {
      const { page, context, problems } = await newPage();
      await page.goto(partnerUrl);
      await waitIdle(page);
      const before = (await expectBarMatchesApi(page, server, target.documentId)).state;
      await button(page, 'funny').click();
      const after = await expectBarMatchesApi(page, server, target.documentId);
      expect(after.tally.mine).toBe('funny');
      expect(after.state.counts.funny).toBe(before.counts.funny + 1);
      // Cross-origin fetches carry no cookies: the header token is what keeps this reader.
      expect(await readerToken(page, server)).toBeTruthy();
      expect((await context.cookies(server.url)).find((c) => c.name === 'reactor_token')).toBeUndefined();
      await page.reload();
      const reloaded = await expectBarMatchesApi(page, server, target.documentId);
      expect(reloaded.state.pressed).toEqual(['funny']);
      expect(problems).toEqual([]);
    } finally {
      await new Promise((resolve) => partner.close(resolve));
    }
  });

  it('works from the keyboard, with a visible focus ring', async () => {
    const { page, problems } = await newPage();
    const target = articles[3];
    await openArticle(page, server, target.documentId);
    await button(page, 'like').focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<{ kind: string; outline: string; width: string }>(ACTIVE_KIND);
    expect(focused.kind).toBe('dislike');
    expect(focused.outline).toBe('solid');
    expect(parseFloat(focused.width)).toBeGreaterThanOrEqual(2);

    const before = (await expectBarMatchesApi(page, server, target.documentId)).state;
    await page.keyboard.press('Enter');
    const pressed = await expectBarMatchesApi(page, server, target.documentId);
    expect(pressed.tally.mine).toBe('dislike');
    expect(pressed.state.counts.dislike).toBe(before.counts.dislike + 1);

    await page.keyboard.press('Tab');
    await page.keyboard.press(' ');
    const love = await expectBarMatchesApi(page, server, target.documentId);
    expect(love.tally.mine).toBe('love');
    expect(love.state.counts.dislike).toBe(before.counts.dislike);

    await page.keyboard.press(' ');
    const cleared = await expectBarMatchesApi(page, server, target.documentId);
    expect(cleared.tally.mine).toBeNull();
    expect(cleared.state.counts).toEqual(before.counts);
    expect((await page.evaluate<{ kind: string }>(ACTIVE_KIND)).kind).toBe('love');
    expect(problems).toEqual([]);
  });

  it('says so when the network fails or the reader key is refused, and recovers', async () => {
    const { page } = await newPage();
    const target = articles[4];
    await openArticle(page, server, target.documentId);
    const before = (await expectBarMatchesApi(page, server, target.documentId)).state;

    // Network error: rolled back to the server's state, usable again at once.
    await page.route('**/api/articles/*/reactions', (route) => (route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue()));
    await button(page, 'funny').click();
    await page.locator('reaction-bar [role=status]', { hasText: 'Could not reach the server' }).waitFor();
    const offline = await expectBarMatchesApi(page, server, target.documentId);
    expect(offline.state.counts).toEqual(before.counts);
    expect(offline.state.pressed).toEqual([]);
    expect(offline.state.disabled).toEqual([]);
    await page.unroute('**/api/articles/*/reactions');

    await button(page, 'funny').click();
    const saved = await expectBarMatchesApi(page, server, target.documentId);
    expect(saved.tally.mine).toBe('funny');
    expect(saved.state.status).toBe('');
    const realToken = await readerToken(page, server);

    // A reader key this server did not sign: 401, the key is dropped, the reader keeps their reaction (cookie).
    await page.evaluate(`localStorage.setItem(${JSON.stringify(tokenKey(server))}, 'AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')`);
    await button(page, 'sad').click();
    await page.locator('reaction-bar [role=status]', { hasText: "did not accept this browser's reader key" }).waitFor();
    await waitIdle(page);
    const refused = await barState(page);
    expect(refused.pressed).toEqual(['funny']);
    expect(await readerToken(page, server)).toBeNull();
    const stillFunny = await apiTally(server.url, target.documentId, realToken);
    expect(refused.counts).toEqual(stillFunny.counts);
    expect(stillFunny.mine).toBe('funny');

    await button(page, 'sad').click();
    await waitIdle(page);
    const recovered = await barState(page);
    const afterSad = await apiTally(server.url, target.documentId, realToken);
    expect(afterSad.mine).toBe('sad');
    expect(recovered.pressed).toEqual(['sad']);
    expect(recovered.counts).toEqual(afterSad.counts);
    expect(recovered.status).toBe('');
  });

  it('shows the rate limit (429 with Retry-After), rolls back, and re-enables after the wait', async () => {
    const { page } = await newPage();
    await page.clock.install();
    const list = await getJson<{ data: Article[] }>(`${limited.url}/api/articles?sort=publishedAt:desc`);
    const target = list.body.data[0];
    await openArticle(page, limited, target.documentId);

    // Two writes a minute, the one that issues the token included.
    for (const kind of ['like', 'love']) {
      await button(page, kind).click();
      await waitIdle(page);
    }
    const allowed = await expectBarMatchesApi(page, limited, target.documentId);
    expect(allowed.tally.mine).toBe('love');

    await button(page, 'sad').click();
    const status = page.locator('reaction-bar [role=status]', { hasText: 'Too many reactions' });
    await status.waitFor();
    const message = await status.textContent();
    const seconds = Number(/again in (\d+) second/.exec(message ?? '')?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);

    const refused = await expectBarMatchesApi(page, limited, target.documentId);
    expect(refused.state.pressed).toEqual(['love']);
    expect(refused.state.counts).toEqual(allowed.state.counts);
    expect(refused.state.disabled).toEqual(kinds.map((info) => info.kind));
    await page.screenshot({ path: screenshotPath('demo-page-rate-limited'), fullPage: true });

    // While waiting, clicks do nothing (force: Playwright itself treats aria-disabled buttons as not clickable).
    await button(page, 'like').click({ force: true });
    expect((await barState(page)).pressed).toEqual(['love']);

    await page.clock.runFor((seconds + 1) * 1000);
    await page.locator('reaction-bar [role=status]', { hasText: 'You can react again.' }).waitFor();
    const ready = await expectBarMatchesApi(page, limited, target.documentId);
    expect(ready.state.disabled).toEqual([]);
    expect(ready.state.pressed).toEqual(['love']);
  });
});

describe('API documentation', () => {
  type Spec = {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
    components: {
      schemas: Record<string, { enum?: string[]; required?: string[]; properties?: Record<string, unknown> }>;
      responses: Record<string, { headers?: Record<string, unknown>; content: Record<string, { schema: { $ref: string } }> }>;
    };
  };

  it('serves an OpenAPI document whose kinds, tally and errors follow config and the real API', async () => {
    const res = await getJson<Spec>(`${server.url}/api/reactions/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const spec = res.body;
    expect(spec.openapi).toMatch(/^3\./);

    const kindKeys = kinds.map((info) => info.kind);
    expect(spec.components.schemas.ReactionKind.enum).toEqual(kindKeys);
    expect(spec.components.schemas.ReactionCounts.required).toEqual(kindKeys);
    const tally = await apiTally(server.url, articles[0].documentId);
    expect(Object.keys(spec.components.schemas.ReactionTally.properties ?? {}).sort()).toEqual(Object.keys(tally).sort());
    expect(Object.keys(spec.components.schemas.ReactionCounts.properties ?? {})).toEqual(Object.keys(tally.counts));

    const reactions = spec.paths['/api/articles/{documentId}/reactions'];
    expect(Object.keys(reactions.put.responses).sort()).toEqual(['200', '201', '400', '401', '403', '404', '413', '429']);
    expect(Object.keys(reactions.delete.responses)).toEqual(expect.arrayContaining(['200', '401', '404', '429']));
    expect(Object.keys(reactions.get.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(spec.paths['/api/videos/{documentId}/reactions']).toBeDefined();
    expect(spec.paths['/api/reaction-tallies'].get.responses['400']).toBeDefined();
    expect(spec.paths['/api/reaction-kinds'].get.responses['200']).toBeDefined();
    for (const name of ['ValidationError', 'Unauthorized', 'NotFound', 'PayloadTooLarge', 'TooManyRequests']) {
      expect(spec.components.responses[name].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorEnvelope');
    }
    expect(spec.components.responses.TooManyRequests.headers?.['Retry-After']).toBeDefined();

    // Every $ref points at something that exists.
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(spec);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], spec);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }

    // The documented error envelope is the one the server really sends.
    const bad = await fetch(`${server.url}/api/articles/${articles[0].documentId}/reactions`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { kind: 'meh' } }),
    });
    const envelope = (await bad.json()) as { data: null; error: { status: number; name: string; details: { allowed: string[] } } };
    expect(bad.status).toBe(400);
    expect(envelope.data).toBeNull();
    expect(envelope.error).toMatchObject({ status: 400, name: 'ValidationError', details: { allowed: kindKeys } });
  });

  it('renders the document as a page, offline', async () => {
    const { page, problems, requests } = await newPage();
    await page.goto(`${server.url}/api-docs/`);
    await page.locator('#docs[aria-busy="false"]').waitFor();
    expect(await page.locator('#docs h1').textContent()).toContain('Newsroom reactions API');
    // 3 per target (2 targets), tallies, kinds, a reader's own reactions (list, erase, claim), the live stream and trends.
    expect(await page.locator('section.operation').count()).toBe(13);
    const put = page.locator('#op-setArticleReaction');
    for (const status of ['200', '201', '400', '401', '404', '413', '429']) {
      expect(await put.locator(`.response[data-status="${status}"]`).count()).toBe(1);
    }
    expect(await page.locator('#schema-ReactionKind').textContent()).toContain(kinds.map((info) => info.kind).join(', '));
    await page.screenshot({ path: screenshotPath('api-docs'), fullPage: false });
    expect(problems).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(server.url))).toEqual([]);
  });
});
