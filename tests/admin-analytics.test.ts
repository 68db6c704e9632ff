/**
 * The editors' analytics in a real browser: the "Reactions" menu page ranks stories like the
 * trends API, per kind in one click, charts one story with the right totals and exports a CSV
 * that parses back to the same numbers; the edit view's panel closes a story's reactions.
 * Strapi runs as a process with the built admin on a fresh database; readers react over REST.
 */
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from './helpers/browser';
import { putReaction } from './helpers/content';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { ensureAdminBuild, startServerProcess, type ServerProcess } from './helpers/server-process';
import { APP_DIR } from './helpers/strapi';

jest.setTimeout(240000);

const ADMIN = { email: 'analyst@example.test', password: 'Analyst-pass-2024' };
const ARTICLE_UID = 'api::article.article';
const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];
const README_SCREENSHOT = path.join(APP_DIR, 'docs', 'admin-analytics.png');

const STORIES: Array<{ title: string; reactions: Record<string, number> }> = [
  { title: 'Council doubles parking fines overnight', reactions: { angry: 4, sad: 1, dislike: 1 } },
  { title: 'Harbour festival draws record crowds', reactions: { love: 3, like: 2, wow: 1 } },
  { title: 'Tram line delayed again, says operator', reactions: { angry: 2, funny: 1 } },
  { title: 'Local bakery wins national prize', reactions: { like: 1 } },
];

let server: ServerProcess;
let database: TestDatabase;
let browser: Browser;
let page: Page;
let adminToken: string;
const ids: string[] = [];

const admin = () => request(server.url);

type TrendEntry = { documentId: string; total: number; counts: Record<string, number> };

const trends = async (query: Record<string, string>) => {
  const res = await request(server.url).get('/api/reaction-trends').query(query);
  expect(res.status).toBe(200);
  return res.body.data as TrendEntry[];
};

const pageRows = async () => {
  await page.getByTestId('analytics-top').waitFor({ timeout: 30000 });
  return page.getByTestId('analytics-row').evaluateAll((rows) =>
    rows.map((row) => ({ documentId: row.getAttribute('data-document-id'), total: Number(row.getAttribute('data-total')) }))
  );
};

/** Waits until the table shows exactly these documents (it reloads on every filter click). */
const expectRows = async (expected: TrendEntry[]) => {
  const want = expected.map(({ documentId, total }) => ({ documentId, total }));
  const deadline = Date.now() + 15000;
  let rows = await pageRows();
  while (JSON.stringify(rows) !== JSON.stringify(want) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rows = await pageRows();
  }
  expect(rows).toEqual(want);
};

/** A CSV as RFC 4180 writes it (quotes, doubled quotes); enough for the export. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
};

beforeAll(async () => {
  ensureAdminBuild();
  database = await createTestDatabase('analytics');
  server = await startServerProcess(
    { ...database.env, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ADMIN_CREATE_ON_START: 'true' },
    { admin: true }
  );
  const login = await admin().post('/admin/login').send(ADMIN);
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}\n${server.output()}`);
  adminToken = login.body.data.token;
  for (const story of STORIES) {
    const res = await admin()
      .post(`/content-manager/collection-types/${ARTICLE_UID}/actions/publish`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ title: story.title, lead: 'A short lead for the test.' });
    if (res.status !== 200 && res.status !== 201) throw new Error(`create article: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.data.documentId);
    for (const [kind, count] of Object.entries(story.reactions)) {
      for (let i = 0; i < count; i += 1) expect((await putReaction(server.url, res.body.data.documentId, kind)).status).toBe(201);
    }
  }
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US', acceptDownloads: true });
  page = await context.newPage();
  await page.goto(`${server.url}/admin/auth/login`);
  await page.locator('input[name="email"]').fill(ADMIN.email);
  await page.locator('input[name="password"]').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 30000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('admin analytics routes', () => {
  it('answer signed-in admins only, and validate like the public trends', async () => {
    expect((await admin().get(`/reactions/analytics/top?uid=${ARTICLE_UID}`)).status).toBe(401);
    const auth = { Authorization: `Bearer ${adminToken}` };
    expect((await admin().get(`/reactions/analytics/top?uid=${ARTICLE_UID}&window=2h`).set(auth)).status).toBe(400);
    expect((await admin().get('/reactions/analytics/top?uid=admin::user').set(auth)).status).toBe(400);
    expect((await admin().get(`/reactions/analytics/series?uid=${ARTICLE_UID}&documentId=nosuchdocument000000000`).set(auth)).status).toBe(404);
    const csv = await admin().get(`/reactions/analytics/export?uid=${ARTICLE_UID}&window=24h`).set(auth);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['cache-control']).toBe('private, no-store');
  });
});

describe('the Reactions page', () => {
  it('is a menu link; it ranks the last 24 hours like the trends API, and per kind in one more click', async () => {
    await page.getByRole('link', { name: 'Reactions' }).first().click();
    await page.waitForURL(/\/admin\/plugins\/reactions/);
    await expectRows(await trends({ window: '24h', limit: '10' }));
    const titles = await page.getByTestId('analytics-edit-link').allInnerTexts();
    const top = await trends({ window: '24h', limit: '10' });
    expect(titles).toEqual(top.map((entry) => STORIES[ids.indexOf(entry.documentId)].title));

    await page.getByTestId('kind-angry').click();
    const angry = await trends({ window: '24h', kind: 'angry', limit: '10' });
    expect(angry.map((entry) => entry.documentId)).toEqual([ids[0], ids[2]]);
    await expectRows(angry);
    await page.getByTestId('window-1h').click();
    await expectRows(await trends({ window: '1h', kind: 'angry', limit: '10' }));
    await page.getByTestId('kind-all').click();
    await page.getByTestId('window-24h').click();
    await expectRows(await trends({ window: '24h', limit: '10' }));
  });

  it("charts one story's reactions stacked by kind, with the story's totals", async () => {
    const row = page.locator(`[data-testid="analytics-row"][data-document-id="${ids[0]}"]`);
    await row.getByTestId('analytics-show-chart').click();
    const chart = page.getByTestId('reactions-chart');
    await chart.waitFor({ timeout: 15000 });
    expect(Number(await chart.getAttribute('data-total'))).toBe(6);
    for (const kind of KINDS) {
      const count = Number(await page.getByTestId(`chart-total-${kind}`).getAttribute('data-count'));
      expect(count).toBe(STORIES[0].reactions[kind] ?? 0);
    }
    // Recharts drew a stacked bar per kind with reactions.
    expect(await chart.locator('.recharts-bar-rectangle path, .recharts-bar-rectangle rect').count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: screenshotPath('admin-analytics'), fullPage: true });
    if (!fs.existsSync(README_SCREENSHOT) || process.env.UPDATE_DOCS_SCREENSHOT === 'true') {
      fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: README_SCREENSHOT, fullPage: true });
    }
  });

  it('exports a CSV of per-story tallies that parses back to the same numbers', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('analytics-csv').click()]);
    const file = await download.path();
    const rows = parseCsv(fs.readFileSync(file as string, 'utf8'));
    expect(rows[0]).toEqual(['documentId', 'title', 'total', ...KINDS]);
    const api = await trends({ window: '24h', limit: '50' });
    expect(rows.slice(1).map((row) => ({ documentId: row[0], total: Number(row[2]), counts: Object.fromEntries(KINDS.map((k, i) => [k, Number(row[3 + i])])) }))).toEqual(api);
    expect(rows.slice(1).map((row) => row[1])).toEqual(api.map((entry) => STORIES[ids.indexOf(entry.documentId)].title));
  });

  it("links each story to its edit view, where the panel closes the story's reactions", async () => {
    await page.locator(`[data-testid="analytics-row"][data-document-id="${ids[3]}"]`).getByTestId('analytics-edit-link').click();
    await page.waitForURL(new RegExp(`/content-manager/collection-types/${ARTICLE_UID}/${ids[3]}`));
    const controls = page.getByTestId('reactions-editorial');
    await controls.waitFor({ timeout: 30000 });
    await controls.getByTestId('reactions-closed').click({ force: true });
    await controls.getByTestId('reactions-offer-funny').click();
    await page.screenshot({ path: screenshotPath('admin-analytics-settings') });
    await controls.getByTestId('reactions-save-settings').click();
    await page.getByTestId('reactions-settings-message').waitFor({ timeout: 15000 });
    expect(await page.getByTestId('reactions-settings-message').innerText()).toBe('Saved');
    const tally = await request(server.url).get(`/api/articles/${ids[3]}/reactions`);
    expect(tally.body.data).toMatchObject({ total: 1, closed: true, kinds: KINDS.filter((kind) => kind !== 'funny') });
    expect((await putReaction(server.url, ids[3], 'like')).status).toBe(403);
  });
});
