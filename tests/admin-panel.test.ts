/**
 * Editors see and moderate reactions in the admin panel, in a real browser: Strapi runs as a
 * process with the built admin on a fresh database, the first admin comes from the environment,
 * readers react over REST, and Debian's Chromium (playwright-core) plays the editor.
 */
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import type { Browser, Page, Request } from 'playwright-core';
import { launchBrowser, screenshotPath } from './helpers/browser';
import { getTally, putReaction } from './helpers/content';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { ensureAdminBuild, startServerProcess, type ServerProcess } from './helpers/server-process';
import { APP_DIR } from './helpers/strapi';
import { DEFAULT_REACTION_KINDS } from '../src/plugins/reactions/client/reactions';

jest.setTimeout(240000);

const ADMIN = { email: 'editor@example.test', password: 'Editor-pass-2024' };
const ARTICLE_UID = 'api::article.article';
const REACTION_UID = 'plugin::reactions.reaction';
const KINDS: string[] = [...DEFAULT_REACTION_KINDS];
const README_SCREENSHOT = path.join(APP_DIR, 'docs', 'admin-reactions-panel.png');

const HARBOUR = { title: 'Harbour bridge reopens after a year of repairs', reactions: { like: 3, love: 2, wow: 1 } };
const TRAINS = { title: 'Night trains return to the northern line', reactions: { funny: 2, sad: 1 } };
const DRAFT = { title: 'Budget talks: notes for a story not yet published' };

let server: ServerProcess;
let database: TestDatabase;
let browser: Browser;
let page: Page;
let adminToken: string;
const ids: Record<'harbour' | 'trains' | 'draft', string> = { harbour: '', trains: '', draft: '' };

const admin = () => request(server.url);

const createArticle = async (title: string, published: boolean): Promise<string> => {
  const path = `/content-manager/collection-types/${ARTICLE_UID}${published ? '/actions/publish' : ''}`;
  const res = await admin()
    .post(path)
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ title, lead: 'A short lead for the test.' });
  if (res.status !== 200 && res.status !== 201) throw new Error(`create article: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.documentId as string;
};

/** Each PUT without a token is a new anonymous reader. */
const react = async (documentId: string, reactions: Record<string, number>) => {
  for (const [kind, count] of Object.entries(reactions)) {
    for (let i = 0; i < count; i += 1) {
      const res = await putReaction(server.url, documentId, kind);
      if (res.status !== 201) throw new Error(`react: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
};

const expectedTally = (reactions: Record<string, number>) => {
  const total = Object.values(reactions).reduce((a, b) => a + b, 0);
  return { total, counts: Object.fromEntries(KINDS.map((kind) => [kind, reactions[kind] ?? 0])) };
};

const listUrl = (uid: string) => `${server.url}/admin/content-manager/collection-types/${uid}`;
const editUrl = (uid: string, documentId: string) => `${listUrl(uid)}/${documentId}`;

const shot = async (name: string) => {
  await page.screenshot({ path: screenshotPath(`admin-${name}`), fullPage: false });
};

/** What the side panel shows: per-kind count and share, and the total. */
const readPanel = async () => {
  const panel = page.getByTestId('reactions-panel');
  await panel.waitFor();
  await panel.locator('[data-testid="reactions-tally"], [data-testid="reactions-empty"]').first().waitFor();
  if (await panel.getByTestId('reactions-empty').count()) return { empty: (await panel.getByTestId('reactions-empty').innerText()).trim() };
  const rows = await panel.locator('[data-kind]').evaluateAll((elements) =>
    elements.map((element) => ({
      kind: element.getAttribute('data-kind') as string,
      count: Number(element.getAttribute('data-count')),
      share: Number(element.getAttribute('data-share')),
      text: element.textContent ?? '',
    }))
  );
  const total = Number((await panel.getByTestId('reactions-total').innerText()).trim());
  return { rows, total };
};

/** What went wrong in the page lately (console errors, failed and unanswered requests): said when a wait times out. */
const pageTrouble: string[] = [];
const pendingRequests = new Set<Request>();
/** Every request the admin panel made to a host other than its own server (there must be none). */
const outsideRequests: string[] = [];
const watchPage = (watched: Page) => {
  watched.on('request', (req) => {
    if (!['127.0.0.1', 'localhost'].includes(new URL(req.url()).hostname) && !req.url().startsWith('data:')) outsideRequests.push(req.url());
  });
  watched.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') pageTrouble.push(`console ${message.type()}: ${message.text().slice(0, 300)}`);
  });
  watched.on('pageerror', (error) => pageTrouble.push(`page error: ${error.message.slice(0, 300)}`));
  watched.on('request', (req) => pendingRequests.add(req));
  watched.on('requestfinished', (req) => pendingRequests.delete(req));
  watched.on('requestfailed', (req) => {
    pendingRequests.delete(req);
    pageTrouble.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  watched.on('response', (res) => {
    if (res.status() >= 400) pageTrouble.push(`response ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
};

/** Where the page is, what it shows, and what failed or hangs in it: a timeout alone says nothing. */
const describePage = async (reason: string) => {
  const picture = screenshotPath('admin-edit-view-failure');
  await page.screenshot({ path: picture, fullPage: true }).catch(() => undefined);
  const shown = await page
    .evaluate<{ headings: string[]; text: string }>(
      `({ headings: Array.from(document.querySelectorAll('h1, h2, aside')).map((e) => (e.textContent || '').trim().slice(0, 80)),
          text: (document.body.innerText || '').replace(/\\s+/g, ' ').slice(0, 600) })`
    )
    .catch((failure: Error) => ({ headings: [], text: `unreadable: ${failure.message}` }));
  return [
    `no Reactions panel at ${page.url()} (screenshot: ${picture}): ${reason.split('\n')[0]}`,
    `headings and panels: ${JSON.stringify(shown.headings)}`,
    `page text: ${shown.text}`,
    `unanswered requests: ${[...pendingRequests].map((req) => `${req.method()} ${req.url()}`).join(' | ') || 'none'}`,
    `trouble: ${pageTrouble.length ? pageTrouble.slice(-20).join(' | ') : 'none'}`,
  ].join('\n');
};

/**
 * Opens an article's edit view and waits for the Reactions panel. The panel is there from the
 * first render (the edit view's own schema says the type takes reactions); a miss fails at once,
 * described in full (screenshot, headings, unanswered requests).
 */
const openEditView = async (documentId: string) => {
  pageTrouble.length = 0;
  await page.goto(editUrl(ARTICLE_UID, documentId));
  try {
    await page.getByTestId('reactions-panel').waitFor({ timeout: 30000 });
  } catch (error) {
    throw new Error(await describePage((error as Error).message));
  }
};

/** Strapi's own announcement banner (about its media library) would cover the top of every screenshot. */
const dismissAnnouncements = async () => {
  const banner = page.getByText('Introducing the new Media Library');
  await banner.waitFor({ timeout: 5000 }).catch(() => undefined);
  if ((await banner.count()) === 0) return;
  await page.getByRole('button', { name: 'Close' }).first().click();
  await banner.waitFor({ state: 'detached' });
};

/**
 * The README's picture: the article's edit view with its Reactions panel. Written when missing or
 * with UPDATE_DOCS_SCREENSHOT=true, so a test run leaves the committed picture alone.
 */
const saveReadmeScreenshot = async () => {
  if (fs.existsSync(README_SCREENSHOT) && process.env.UPDATE_DOCS_SCREENSHOT !== 'true') return;
  await page.setViewportSize({ width: 1280, height: 900 });
  const title = await page.locator('main h1').first().boundingBox();
  const aside = await page.locator('aside').filter({ has: page.getByTestId('reactions-panel') }).boundingBox();
  if (!title || !aside) throw new Error('the edit view has no title or no Reactions panel');
  const x = Math.max(0, title.x - 24);
  const y = Math.max(0, title.y - 64);
  const clip = { x, y, width: Math.min(1280, aside.x + aside.width + 24) - x, height: Math.min(900, aside.y + aside.height + 24) - y };
  fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
  await page.screenshot({ path: README_SCREENSHOT, clip });
  await page.setViewportSize({ width: 1440, height: 900 });
};

beforeAll(async () => {
  ensureAdminBuild();
  database = await createTestDatabase('admin');
  server = await startServerProcess(
    {
      ...database.env,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_CREATE_ON_START: 'true',
    },
    { admin: true }
  );

  const login = await admin().post('/admin/login').send(ADMIN);
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}\n${server.output()}`);
  adminToken = login.body.data.token;

  ids.harbour = await createArticle(HARBOUR.title, true);
  ids.trains = await createArticle(TRAINS.title, true);
  ids.draft = await createArticle(DRAFT.title, false);
  await react(ids.harbour, HARBOUR.reactions);
  await react(ids.trains, TRAINS.reactions);

  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  watchPage(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

describe('first admin from the environment', () => {
  it('is created on first start with ADMIN_CREATE_ON_START=true and can log in through the login page', async () => {
    await page.goto(`${server.url}/admin/auth/login`);
    await page.locator('input[name="email"]').fill(ADMIN.email);
    await page.locator('input[name="password"]').fill(ADMIN.password);
    await shot('login');
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 30000 });
    await dismissAnnouncements();
    await shot('home');
    // Signed in: inside the admin panel, no login form left, the admin known to the server.
    expect(new URL(page.url()).pathname.startsWith('/admin')).toBe(true);
    expect(await page.locator('input[name="password"]').count()).toBe(0);
    const me = await request(server.url).get('/admin/users/me').set('Authorization', `Bearer ${adminToken}`);
    expect(me.body.data.email).toBe(ADMIN.email);
  });
});

describe('admin routes', () => {
  it('answer admins only, with drafts included and publication state', async () => {
    const anonymous = await admin().get(`/reactions/tallies?uid=${ARTICLE_UID}&documentIds=${ids.harbour}`);
    expect(anonymous.status).toBe(401);
    const res = await admin()
      .get(`/reactions/tallies?uid=${ARTICLE_UID}&documentIds=${ids.harbour},${ids.draft}`)
      .set('Authorization', `Bearer ${adminToken}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { documentId: ids.harbour, ...expectedTally(HARBOUR.reactions), mine: null, closed: false, kinds: KINDS, published: true },
      { documentId: ids.draft, ...expectedTally({}), mine: null, closed: false, kinds: KINDS, published: false },
    ]);

    const notATarget = await admin()
      .get(`/reactions/tallies?uid=${REACTION_UID}&documentIds=${ids.harbour}`)
      .set('Authorization', `Bearer ${adminToken}`);
    expect(notATarget.status).toBe(400);

    const settings = await admin().get('/reactions/settings').set('Authorization', `Bearer ${adminToken}`);
    expect(settings.status).toBe(200);
    expect(settings.body.data.kinds.map((k: { kind: string }) => k.kind)).toEqual(KINDS);
    expect(settings.body.data.targets.map((t: { uid: string }) => t.uid)).toContain(ARTICLE_UID);
  });
});

describe('article list view', () => {
  it('shows each article\'s total and leading kind, filled by one batched request', async () => {
    const tallyRequests: Request[] = [];
    const listener = (req: Request) => {
      if (req.url().includes('/reactions/tallies')) tallyRequests.push(req);
    };
    page.on('request', listener);
    await page.goto(listUrl(ARTICLE_UID));
    const cell = (documentId: string) => page.locator(`[data-testid="reactions-cell"][data-document-id="${documentId}"]`);
    await cell(ids.harbour).waitFor({ timeout: 30000 });
    await cell(ids.draft).waitFor();
    expect((await page.locator('thead th').allInnerTexts()).map((text) => text.trim().toLowerCase())).toContain('reactions');

    expect(await cell(ids.harbour).getAttribute('data-total')).toBe('6');
    expect(await cell(ids.harbour).getAttribute('data-leading')).toBe('like');
    expect((await cell(ids.harbour).innerText()).replace(/\s+/g, '')).toBe('6👍');
    expect(await cell(ids.trains).getAttribute('data-total')).toBe('3');
    expect(await cell(ids.trains).getAttribute('data-leading')).toBe('funny');
    expect((await cell(ids.trains).innerText()).replace(/\s+/g, '')).toBe('3😂');
    expect(await cell(ids.draft).getAttribute('data-total')).toBe('0');
    expect(await cell(ids.draft).getAttribute('data-leading')).toBe('');
    await shot('article-list');
    // A late second request would be sent by the time the page has nothing left to do.
    await page.waitForLoadState('networkidle');
    await page.evaluate('new Promise((resolve) => requestIdleCallback(() => resolve(null), { timeout: 5000 }))');
    page.off('request', listener);

    // One request for the whole page, carrying every row's documentId.
    expect(tallyRequests).toHaveLength(1);
    const asked = new URL(tallyRequests[0].url()).searchParams.get('documentIds')?.split(',') ?? [];
    expect(asked.sort()).toEqual([ids.harbour, ids.trains, ids.draft].sort());
  });
});

describe('article edit view side panel', () => {
  it('shows emoji, label, count and share of every kind in order, and the total', async () => {
    await openEditView(ids.harbour);
    const panel = await readPanel();
    expect(panel.total).toBe(6);
    expect(panel.rows?.map((row) => row.kind)).toEqual(KINDS);
    const byKind = Object.fromEntries((panel.rows ?? []).map((row) => [row.kind, row]));
    expect(byKind.like).toMatchObject({ count: 3, share: 50 });
    expect(byKind.love).toMatchObject({ count: 2, share: 33 });
    expect(byKind.wow).toMatchObject({ count: 1, share: 17 });
    expect(byKind.sad).toMatchObject({ count: 0, share: 0 });
    expect(byKind.like.text).toMatch(/👍\s*Like\s*3\s*\(50%\)/);
    expect(byKind.wow.text).toMatch(/😮\s*Wow\s*1\s*\(17%\)/);
    await shot('article-panel');

    await saveReadmeScreenshot();
  });

  it('says "No reactions yet" for a draft that was never published', async () => {
    await openEditView(ids.draft);
    expect(await readPanel()).toEqual({ empty: 'No reactions yet' });
    await shot('draft-panel');
  });
});

describe('Reaction collection', () => {
  const headerTexts = async () =>
    (await page.locator('thead th').allInnerTexts()).map((text) => text.trim()).filter((text) => text.length > 0);

  it('lists kind, the reacted-to article or video, reader type and created time, never a key, and offers no create button', async () => {
    const listResponse = page.waitForResponse(
      (res) => res.url().includes(`/content-manager/collection-types/${REACTION_UID}?`) && res.request().method() === 'GET'
    );
    await page.goto(listUrl(REACTION_UID));
    const body = await (await listResponse).json();
    await page.locator('tbody tr').first().waitFor();
    await shot('reaction-list');

    const headers = await headerTexts();
    // One column per reaction target (config/plugins.ts: articles and videos).
    expect(headers.map((text) => text.toLowerCase())).toEqual(['kind', 'article', 'video', 'reader type', 'created']);

    // Nine reactions, none of them carrying how its reader is recognised.
    expect(body.pagination.total).toBe(9);
    for (const row of body.results as Array<Record<string, unknown>>) {
      expect(row).not.toHaveProperty('readerKey');
      expect(row).not.toHaveProperty('targetType');
      expect(row).not.toHaveProperty('targetDocumentId');
    }
    expect(await page.locator('tbody tr').count()).toBe(9);
    expect(await page.locator('tbody').innerText()).toContain('anonymous');
    expect(await page.getByRole('link', { name: /create new entry/i }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /create new entry/i }).count()).toBe(0);
  });

  it('shows each reaction\'s article by its title', async () => {
    await page.goto(listUrl(REACTION_UID));
    await page.locator('tbody tr').first().waitFor();
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.filter((text) => text.includes(HARBOUR.title))).toHaveLength(6);
    expect(rows.filter((text) => text.includes(TRAINS.title))).toHaveLength(3);
  });

  it('lets an editor delete a reaction from the UI, read-only otherwise, and the tally drops at once', async () => {
    await page.goto(listUrl(REACTION_UID));
    await page.locator('tbody tr').first().waitFor();
    // Only the harbour story has likes.
    const reactionResponse = page.waitForResponse((res) =>
      new RegExp(`/content-manager/collection-types/${REACTION_UID}/[a-z0-9]+(\\?|$)`).test(res.url())
    );
    await page.getByRole('link', { name: 'like', exact: true }).first().click();
    await page.waitForURL(new RegExp(`${REACTION_UID.replace(/\./g, '\\.')}/[a-z0-9]{10,}`));
    const reaction = (await (await reactionResponse).json()).data as Record<string, unknown>;
    expect(reaction.kind).toBe('like');
    for (const secret of ['readerKey', 'targetType', 'targetDocumentId']) expect(reaction).not.toHaveProperty(secret);
    await page.getByText('Reader type').first().waitFor();
    // The article relation, by title.
    await page.locator('main').getByText(/Harbour bridge reopens/).first().waitFor({ timeout: 15000 });
    await shot('reaction-edit');

    // Read-only: no field can be changed by hand, and the fields that identify a reader are absent.
    const fields = page.locator('main').getByRole('combobox');
    expect(await fields.count()).toBeGreaterThanOrEqual(3); // kind, reader type, article
    for (let i = 0; i < (await fields.count()); i += 1) expect(await fields.nth(i).isDisabled()).toBe(true);
    expect(await page.locator('main').innerText()).not.toMatch(/readerKey|reader key|targetDocumentId/i);

    await page.getByRole('button', { name: /^more (document )?actions$/i }).first().click();
    await page.getByRole('menuitem', { name: /delete/i }).first().click();
    await page.getByRole('alertdialog').waitFor();
    // Let the dialog's opening animation finish before the screenshot.
    await page
      .getByRole('alertdialog')
      .evaluate((dialog) => {
        const animated = dialog as unknown as { getAnimations(options: object): Array<{ finished: Promise<unknown> }> };
        return Promise.all(animated.getAnimations({ subtree: true }).map((animation) => animation.finished));
      });
    await shot('reaction-delete-dialog');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL((url) => url.pathname.endsWith(REACTION_UID), { timeout: 30000 });

    const tally = await getTally(server.url, ids.harbour);
    expect(tally.status).toBe(200);
    expect(tally.body.data).toMatchObject(expectedTally({ like: 2, love: 2, wow: 1 }));

    await openEditView(ids.harbour);
    const panel = await readPanel();
    expect(panel.total).toBe(5);
    expect(panel.rows?.find((r) => r.kind === 'like')).toMatchObject({ count: 2, share: 40 });
    await shot('article-panel-after-delete');

    await page.goto(listUrl(ARTICLE_UID));
    const cell = page.locator(`[data-testid="reactions-cell"][data-document-id="${ids.harbour}"]`);
    await cell.waitFor({ timeout: 30000 });
    expect(await cell.getAttribute('data-total')).toBe('5');
  });
});

describe('the admin panel offline', () => {
  it('asked no host but its own server in all the views above (no release check, no tutorials)', () => {
    expect(outsideRequests).toEqual([]);
  });
});
