/**
 * The reaction bar's automatic claim, in Chromium against `strapi start` with the sample
 * newsroom: a reader reacts anonymously, signs in (the page sets the bar's `authToken`), and the
 * bar moves the anonymous reactions to the account and forgets the token. The reader is then
 * counted once per story, and every number the bar shows equals what the API says.
 */
import jwt from 'jsonwebtoken';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, waitForExpression } from './helpers/browser';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { startServerProcess, type ServerProcess } from './helpers/server-process';
import { TEST_ENV } from './helpers/strapi';

type Tally = { documentId: string; total: number; counts: Record<string, number>; mine: string | null };
type BarState = { counts: Record<string, number>; pressed: string[]; total: number; busy: boolean; status: string };

const BAR_STATE = `(() => {
  const root = document.querySelector('reaction-bar').shadowRoot;
  const buttons = [...root.querySelectorAll('button[data-kind]')];
  return {
    counts: Object.fromEntries(buttons.map((b) => [b.dataset.kind, Number(b.querySelector('.count').textContent.replace(/\\D/g, ''))])),
    pressed: buttons.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.kind),
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

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let articleIds: string[];

const api = async <T>(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as T };
};

const tallyFor = async (documentId: string, headers: Record<string, string> = {}) =>
  (await api<{ data: Tally }>(`/api/articles/${documentId}/reactions`, { headers })).body.data;


const tokenKey = () => `reaction-bar:token:${server.url}`;

beforeAll(async () => {
  database = await createTestDatabase('bar-claim');
  [server, browser] = await Promise.all([startServerProcess({ ...database.env, SEED_SAMPLE_CONTENT: 'true' }), launchBrowser()]);
  const list = await api<{ data: Array<{ documentId: string }> }>('/api/articles?sort=publishedAt:desc&pagination[pageSize]=3');
  articleIds = list.body.data.map((article) => article.documentId);
  expect(articleIds.length).toBeGreaterThanOrEqual(2);
}, 240000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

it('claims the anonymous reader\'s reactions when authToken is set, then forgets the token: counted once per story', async () => {
  const [story, other] = articleIds;
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  const requests: string[] = [];
  page.on('request', (req) => requests.push(`${req.method()} ${new URL(req.url()).pathname}`));

  // Anonymous: react with the bar, and on another story with the same token.
  await page.goto(`${server.url}/index.html?article=${story}`);
  await waitForExpression(page, BAR_IDLE);
  const before = await tallyFor(story);
  await page.locator('reaction-bar button[data-kind="angry"]').click();
  await waitForExpression(page, `${BAR_IDLE} && localStorage.getItem(${JSON.stringify(tokenKey())}) !== null`);
  await waitForExpression(page, `(${BAR_STATE}).pressed.join() === 'angry' && !(${BAR_STATE}).busy`);
  const token = await page.evaluate<string>(`localStorage.getItem(${JSON.stringify(tokenKey())})`);
  expect((await context.cookies(server.url)).find((cookie) => cookie.name === 'reactor_token')?.value).toBe(token);
  const onOther = await api(`/api/articles/${other}/reactions`, { method: 'PUT', headers: { 'X-Reactor-Token': token }, body: JSON.stringify({ data: { kind: 'sad' } }) });
  expect(onOther.status).toBe(201);

  // The same person has an account, and reacted to the story there already.
  const registered = await api<{ jwt: string }>('/api/auth/local/register', {
    method: 'POST',
    body: JSON.stringify({ username: 'bar_reader', email: 'bar_reader@example.test', password: 'Sup3r-secret-pass' }),
  });
  expect(registered.status).toBe(200);
  const auth = { Authorization: `Bearer ${registered.body.jwt}` };
  await api(`/api/articles/${story}/reactions`, { method: 'PUT', headers: auth, body: JSON.stringify({ data: { kind: 'love' } }) });
  expect((await tallyFor(story)).total).toBe(before.total + 2);

  // Sign-in: the page hands the bar the JWT.
  await page.evaluate(`window.__claims = []; document.addEventListener('reaction-claim', (event) => window.__claims.push(event.detail));`);
  await page.evaluate(`document.querySelector('reaction-bar').authToken = ${JSON.stringify(registered.body.jwt)}`);
  await waitForExpression(page, `localStorage.getItem(${JSON.stringify(tokenKey())}) === null && ${BAR_IDLE} && (${BAR_STATE}).pressed.join() === 'love'`);

  expect(await page.evaluate('window.__claims')).toEqual([{ moved: 1, dropped: 1 }]);
  expect(requests.filter((line) => line === 'POST /api/reactions/claim')).toHaveLength(1);
  expect((await context.cookies(server.url)).find((cookie) => cookie.name === 'reactor_token')).toBeUndefined();

  // Counted once: the account's reaction stayed, the anonymous one went.
  const after = await tallyFor(story, auth);
  expect(after.total).toBe(before.total + 1);
  expect(after.mine).toBe('love');
  expect(after.counts.angry).toBe(before.counts.angry);
  const state = await page.evaluate<BarState>(BAR_STATE);
  expect(state.counts).toEqual(after.counts);
  expect(state.total).toBe(after.total);
  expect(state.status).toBe('');
  const mine = await api<{ data: Array<{ documentId: string; kind: string }> }>('/api/reactions/mine', { headers: auth });
  expect(mine.body.data.map(({ documentId, kind }) => [documentId, kind]).sort()).toEqual(
    [
      [story, 'love'],
      [other, 'sad'],
    ].sort()
  );

  // Later visits while signed in make no claim: there is no token left to claim.
  await page.reload();
  await waitForExpression(page, BAR_IDLE);
  await page.evaluate(`document.querySelector('reaction-bar').authToken = ${JSON.stringify(registered.body.jwt)}`);
  await waitForExpression(page, `${BAR_IDLE} && (${BAR_STATE}).pressed.join() === 'love'`);
  expect(requests.filter((line) => line === 'POST /api/reactions/claim')).toHaveLength(1);
  expect(problems).toEqual([]);
});

it('keeps the stored token and the reader\'s reaction when an expired sign-in comes beside it', async () => {
  const [story] = articleIds;
  const expiredContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await expiredContext.newPage();
    const unauthorized: Array<{ path: string; reason: unknown }> = [];
    page.on('response', async (response) => {
      if (response.status() !== 401) return;
      const body = (await response.json().catch(() => null)) as { error?: { details?: { reason?: unknown } } } | null;
      unauthorized.push({ path: new URL(response.url()).pathname, reason: body?.error?.details?.reason });
    });
    await page.goto(`${server.url}/index.html?article=${story}`);
    await waitForExpression(page, BAR_IDLE);
    await page.locator('reaction-bar button[data-kind="wow"]').click();
    await waitForExpression(page, `${BAR_IDLE} && localStorage.getItem(${JSON.stringify(tokenKey())}) !== null && (${BAR_STATE}).pressed.join() === 'wow'`);
    const token = await page.evaluate<string>(`localStorage.getItem(${JSON.stringify(tokenKey())})`);
    // Only the stored token identifies the reader from here on.
    await expiredContext.clearCookies();

    // A sign-in that has expired: the claim and the reader's own reads are refused with jwt-invalid.
    const expired = jwt.sign({ id: 1 }, TEST_ENV.JWT_SECRET, { expiresIn: -60 });
    const refusedClaim = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/reactions/claim');
    const refusedMine = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/reactions/mine' && response.status() === 401);
    await page.evaluate(`document.querySelector('reaction-bar').authToken = ${JSON.stringify(expired)}`);
    await Promise.all([refusedClaim, refusedMine]);
    await waitForExpression(page, BAR_IDLE);
    expect(unauthorized.length).toBeGreaterThanOrEqual(2);
    expect(unauthorized.every(({ reason }) => reason === 'jwt-invalid')).toBe(true);
    expect(await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(tokenKey())})`)).toBe(token);
    expect((await tallyFor(story, { 'X-Reactor-Token': token })).mine).toBe('wow');

    // Signed out again: the bar is still this reader's, their reaction pressed.
    await page.evaluate(`document.querySelector('reaction-bar').authToken = null`);
    await waitForExpression(page, `${BAR_IDLE} && (${BAR_STATE}).pressed.join() === 'wow'`);
    const state = await page.evaluate<BarState>(BAR_STATE);
    expect(state.counts).toEqual((await tallyFor(story)).counts);
  } finally {
    await expiredContext.close();
  }
});
