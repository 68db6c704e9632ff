/**
 * Editorial control per story: editors close reactions or restrict the kinds offered through the
 * admin route (update permission on that content type required), and REST, GraphQL and the
 * reaction bar follow: closed stories stay readable, writes answer 403; a kind not offered
 * answers 400 with `details.allowed`; every tally says `closed` and `kinds`.
 */
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { launchBrowser } from './helpers/browser';
import { countQueries, createArticle, createArticles, deleteReaction, getTally, newAnonymousReader, putReaction, withClockHeld } from './helpers/content';
import { gql } from './helpers/graphql';
import { ADMIN_ACTIONS } from '../src/plugins/reactions/shared/contract';
import { createAdmin, createRole, type RoleGrant } from './helpers/admin-roles';
import { startTestApp, type TestApp } from './helpers/strapi';

jest.setTimeout(120000);

const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];
const ARTICLE_UID = 'api::article.article';

let app: TestApp;
let url: string;
const tokens: Record<'editor' | 'author' | 'viewer', string> = { editor: '', author: '', viewer: '' };
const adminIds: Record<string, number> = {};
const events: Array<{ name: string; payload: unknown }> = [];

const ARTICLE_FIELDS = ['title', 'slug', 'lead', 'body', 'cover', 'category', 'byline', 'dateline', 'sourceUrl'];

/**
 * Admin roles made for the test, like a newsroom would set them up: a desk editor may read and
 * update every article, an author (like Strapi's Author role) only the articles they created, a
 * viewer may only read. Each also holds the plugin's "Change reaction settings" action (without it:
 * tests/admin-permissions.test.ts). (Strapi's seeded Editor and Author roles are made before the default locale
 * exists on a fresh database, so they allow no locale at all here.)
 */
const articleRole = (name: string, explorer: RoleGrant['explorer'], plugin: string[] = [ADMIN_ACTIONS.changeSettings]) =>
  createRole(app.strapi, name, [{ subject: ARTICLE_UID, explorer, fields: ARTICLE_FIELDS, locales: ['en'], plugin }]);

const createAdminUser = async (roleId: number, email: string) => {
  const { id, token } = await createAdmin(app.strapi, url, roleId, email);
  adminIds[email] = id;
  return token;
};

const saveSetting = (who: keyof typeof tokens, documentId: string, data: unknown, uid = ARTICLE_UID) =>
  request(url).put(`/reactions/settings/${uid}/${documentId}`).set('Authorization', `Bearer ${tokens[who]}`).send({ data });

beforeAll(async () => {
  app = await startTestApp('editorial');
  url = app.url;
  const desk = await articleRole('Desk editor', [{ action: 'read' }, { action: 'update' }]);
  const author = await articleRole('Author of own stories', [
    { action: 'read', conditions: ['admin::is-creator'] },
    { action: 'update', conditions: ['admin::is-creator'] },
  ]);
  const viewer = await articleRole('Viewer', [{ action: 'read' }]);
  tokens.editor = await createAdminUser(desk, 'editor@example.test');
  tokens.author = await createAdminUser(author, 'author@example.test');
  tokens.viewer = await createAdminUser(viewer, 'viewer@example.test');
  for (const name of ['reaction.settings.updated', 'reaction.created']) {
    app.strapi.eventHub.on(name, async (payload: unknown) => {
      events.push({ name, payload });
    });
  }
});
afterAll(async () => {
  await app?.stop();
});

describe('the admin route PUT /reactions/settings/:uid/:documentId', () => {
  it('lets an editor close a story: the tally stays readable, writes answer 403, the event fires', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id, 'love');
    const res = await saveSetting('editor', id, { closed: true, kinds: KINDS });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ documentId: id, closed: true, kinds: KINDS });
    expect(events.filter((event) => event.name === 'reaction.settings.updated').at(-1)?.payload).toEqual({
      target: ARTICLE_UID,
      documentId: id,
      closed: true,
      kinds: KINDS,
    });

    const tally = await getTally(url, id, reader);
    expect(tally.status).toBe(200);
    expect(tally.body.data).toMatchObject({ total: 1, mine: 'love', closed: true, kinds: KINDS });

    const before = events.length;
    for (const res of [await putReaction(url, id, 'wow', reader), await putReaction(url, id, 'like'), await deleteReaction(url, id, reader)]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ data: null, error: { status: 403, name: 'ForbiddenError' } });
    }
    expect(events.length).toBe(before);
    expect((await getTally(url, id)).body.data).toMatchObject({ total: 1, counts: { love: 1 } });
    expect(await app.strapi.db.connection('reader_reactions').where('target_document_id', id)).toHaveLength(1);

    const reopened = await saveSetting('editor', id, { closed: false, kinds: KINDS });
    expect(reopened.status).toBe(200);
    expect((await putReaction(url, id, 'wow', reader)).status).toBe(200);
  });

  it('restricts the kinds: another kind answers 400 with details.allowed, offered ones work, counts keep every kind', async () => {
    const id = await createArticle(app.strapi);
    const reader = await newAnonymousReader(url, id, 'funny');
    const res = await saveSetting('editor', id, { closed: false, kinds: ['sad', 'like', 'love'] });
    expect(res.status).toBe(200);
    // Stored and returned in configured order.
    expect(res.body.data.kinds).toEqual(['like', 'love', 'sad']);

    const refused = await putReaction(url, id, 'funny');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ status: 400, name: 'ValidationError', details: { allowed: ['like', 'love', 'sad'] } });

    const tally = (await getTally(url, id, reader)).body.data;
    expect(tally).toEqual({
      documentId: id,
      total: 1,
      counts: { like: 0, dislike: 0, love: 0, funny: 1, angry: 0, sad: 0, wow: 0 },
      mine: 'funny',
      closed: false,
      kinds: ['like', 'love', 'sad'],
    });
    // The reader may still move away from, or clear, a kind no longer offered.
    const moved = await putReaction(url, id, 'sad', reader);
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ total: 1, mine: 'sad', kinds: ['like', 'love', 'sad'] });
    expect((await deleteReaction(url, id, reader)).status).toBe(200);
  });

  it('keeps a draft a 404 for readers whatever its setting', async () => {
    const draft = await createArticle(app.strapi, { published: false });
    expect((await saveSetting('editor', draft, { closed: true, kinds: KINDS })).status).toBe(200);
    expect((await putReaction(url, draft, 'like')).status).toBe(404);
    expect((await getTally(url, draft)).status).toBe(404);
  });

  it('refuses an Author on a story someone else wrote (no update permission on it), and changes nothing', async () => {
    const id = await createArticle(app.strapi);
    const res = await saveSetting('author', id, { closed: true, kinds: KINDS });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ name: 'ForbiddenError', message: 'You may not update every locale of this document' });
    expect((await getTally(url, id)).body.data).toMatchObject({ closed: false, kinds: KINDS });
    expect((await putReaction(url, id, 'like')).status).toBe(201);
  });

  it('lets the Author restrict a story the Author created', async () => {
    const own = await createArticle(app.strapi);
    await app.strapi.db.query(ARTICLE_UID).updateMany({ where: { documentId: own }, data: { createdBy: adminIds['author@example.test'] } });
    const res = await saveSetting('author', own, { closed: false, kinds: ['like'] });
    expect(res.status).toBe(200);
    expect((await getTally(url, own)).body.data.kinds).toEqual(['like']);
  });

  it('refuses an admin who may read articles but not update them', async () => {
    const id = await createArticle(app.strapi);
    const res = await saveSetting('viewer', id, { closed: true, kinds: KINDS });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ name: 'ForbiddenError', message: 'You may not update this content type' });
    expect((await getTally(url, id)).body.data.closed).toBe(false);
  });

  it('refuses anonymous callers, readers and content API tokens', async () => {
    const id = await createArticle(app.strapi);
    expect((await request(url).put(`/reactions/settings/${ARTICLE_UID}/${id}`).send({ data: { closed: true, kinds: KINDS } })).status).toBe(401);
    const reader = await newAnonymousReader(url, id, 'like');
    const asReader = await request(url)
      .put(`/reactions/settings/${ARTICLE_UID}/${id}`)
      .set('X-Reactor-Token', reader.token as string)
      .send({ data: { closed: true, kinds: KINDS } });
    expect(asReader.status).toBe(401);
    expect((await getTally(url, id)).body.data.closed).toBe(false);
  });

  it.each([
    ['no data', undefined],
    ['an empty object', {}],
    ['closed as a string', { closed: 'yes', kinds: KINDS }],
    ['no kinds', { closed: true }],
    ['an empty kinds list', { closed: true, kinds: [] }],
    ['an unknown kind', { closed: true, kinds: ['like', 'meh'] }],
    ['a number as a kind', { closed: true, kinds: [1] }],
    ['an extra field', { closed: true, kinds: KINDS, extra: 1 }],
    ['a huge kinds list', { closed: true, kinds: new Array(200).fill('like') }],
  ])('answers 400 ValidationError for %s', async (_label, data) => {
    const id = await createArticle(app.strapi);
    const res = await saveSetting('editor', id, data);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('ValidationError');
    expect((await getTally(url, id)).body.data).toMatchObject({ closed: false, kinds: KINDS });
  });

  it('answers 400 for a uid without reactions and 404 for an unknown document', async () => {
    expect((await saveSetting('editor', 'abcdefghijklmnopqrstuvwx', { closed: true, kinds: KINDS }, 'admin::user')).status).toBe(400);
    expect((await saveSetting('editor', 'abcdefghijklmnopqrstuvwx', { closed: true, kinds: KINDS })).status).toBe(404);
  });
});

describe('tallies in lists and GraphQL', () => {
  it('carry closed and kinds in /api/reaction-tallies and /api/articles, at a fixed number of queries', async () => {
    const ids = await createArticles(app.strapi, 4);
    await saveSetting('editor', ids[1], { closed: true, kinds: KINDS });
    await saveSetting('editor', ids[2], { closed: false, kinds: ['wow'] });
    await withClockHeld(app.strapi, async () => {
      const res = await request(url).get('/api/reaction-tallies').query({ documentIds: ids.join(',') });
      expect(res.body.data.map((tally: { closed: boolean; kinds: string[] }) => [tally.closed, tally.kinds])).toEqual([
        [false, KINDS],
        [true, KINDS],
        [false, ['wow']],
        [false, KINDS],
      ]);
      // From the database each time (an empty tally cache), so no late change notification can tip one count.
      const cache = app.strapi.plugin('reactions').service('tallyCache') as { clear: () => void };
      const coldRead = (documentIds: string[]) => {
        cache.clear();
        return request(url).get('/api/reaction-tallies').query({ documentIds: documentIds.join(',') });
      };
      const two = await countQueries(app.strapi, () => coldRead(ids.slice(0, 2)));
      const four = await countQueries(app.strapi, () => coldRead(ids));
      expect(two).toBeGreaterThan(0);
      expect(four).toBe(two);
    });
    const one = await request(url).get(`/api/articles/${ids[2]}`);
    expect(one.body.data.reactionTally).toMatchObject({ closed: false, kinds: ['wow'] });
  });

  it('GraphQL: ReactionTally has closed and kinds; react answers 403 on a closed story and 400 for a kind not offered', async () => {
    const [closed, restricted] = await createArticles(app.strapi, 2);
    await saveSetting('editor', closed, { closed: true, kinds: KINDS });
    await saveSetting('editor', restricted, { closed: false, kinds: ['love', 'sad'] });
    const read = await gql(url, `query($ids: [ID!]!) { reactionTallies(documentIds: $ids) { documentId closed kinds } }`, { ids: [closed, restricted] });
    expect(read.body.data.reactionTallies).toEqual([
      { documentId: closed, closed: true, kinds: KINDS },
      { documentId: restricted, closed: false, kinds: ['love', 'sad'] },
    ]);
    const react = `mutation($id: ID!, $kind: ReactionKind!) { react(documentId: $id, kind: $kind) { total kinds } }`;
    const refusedClosed = await gql(url, react, { id: closed, kind: 'like' });
    expect(refusedClosed.body.errors[0].extensions.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
    const refusedKind = await gql(url, react, { id: restricted, kind: 'like' });
    expect(refusedKind.body.errors[0].extensions.error).toMatchObject({ status: 400, name: 'ValidationError', details: { allowed: ['love', 'sad'] } });
    const accepted = await gql(url, react, { id: restricted, kind: 'sad' });
    expect(accepted.body.data.react).toEqual({ total: 1, kinds: ['love', 'sad'] });
    const unreact = await gql(url, `mutation($id: ID!) { unreact(documentId: $id) { total } }`, { id: closed });
    expect(unreact.body.errors[0].extensions.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
  });
});

describe('the reaction bar', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const BAR = `(() => {
    const bar = document.querySelector('reaction-bar');
    const group = bar && bar.shadowRoot && bar.shadowRoot.querySelector('[role=group]');
    if (!group || group.getAttribute('aria-busy') !== 'false' || !group.querySelector('button[data-kind]')) return null;
    const buttons = [...group.querySelectorAll('button[data-kind]')];
    return {
      visible: buttons.filter((b) => !b.hidden && getComputedStyle(b).display !== 'none').map((b) => b.dataset.kind),
      disabled: buttons.filter((b) => b.getAttribute('aria-disabled') === 'true').map((b) => b.dataset.kind),
      closedNote: !bar.shadowRoot.querySelector('.closed-note').hidden,
      closedAttribute: bar.hasAttribute('closed'),
      total: Number(bar.shadowRoot.querySelector('.total').dataset.total),
    };
  })()`;

  type BarView = { visible: string[]; disabled: string[]; closedNote: boolean; closedAttribute: boolean; total: number };

  const openBar = async (documentId: string) => {
    const page = await browser.newPage();
    await page.goto(`${url}/index.html?article=${documentId}`);
    const deadline = Date.now() + 20000;
    let view: BarView | null = null;
    while (!(view = await page.evaluate<BarView | null>(BAR))) {
      if (Date.now() > deadline) throw new Error('the reaction bar did not load');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { page, view };
  };

  it('shows a closed story read-only, and hides kinds a restricted story does not offer', async () => {
    const [closed, restricted] = await createArticles(app.strapi, 2);
    await newAnonymousReader(url, closed, 'wow');
    await saveSetting('editor', closed, { closed: true, kinds: KINDS });
    await saveSetting('editor', restricted, { closed: false, kinds: ['like', 'sad'] });

    const { page, view } = await openBar(closed);
    expect(view).toEqual({ visible: KINDS, disabled: KINDS, closedNote: true, closedAttribute: true, total: 1 });
    await page.locator('reaction-bar button[data-kind="like"]').click({ force: true });
    expect((await getTally(url, closed)).body.data.total).toBe(1);
    expect(await app.strapi.db.connection('reader_reactions').where('target_document_id', closed)).toHaveLength(1);
    await page.close();

    const second = await openBar(restricted);
    expect(second.view).toEqual({ visible: ['like', 'sad'], disabled: [], closedNote: false, closedAttribute: false, total: 0 });
    await second.page.close();
  });

  it('the demo page shows "Most reactions today" from the trends API, in its order', async () => {
    const [busy, quiet] = await createArticles(app.strapi, 2);
    await newAnonymousReader(url, busy, 'wow');
    await newAnonymousReader(url, busy, 'sad');
    await newAnonymousReader(url, quiet, 'like');
    const { page } = await openBar(busy);
    const expected = (await request(url).get('/api/reaction-trends?window=24h&limit=5')).body.data.map((entry: { documentId: string; total: number }) => ({
      documentId: entry.documentId,
      total: String(entry.total),
    }));
    expect(expected.length).toBeGreaterThan(0);
    const box = page.locator('[data-role="trending"] li[data-document-id]');
    await box.first().waitFor({ timeout: 15000 });
    const shown = await box.evaluateAll((items) => items.map((li) => ({ documentId: li.getAttribute('data-document-id'), total: li.getAttribute('data-total') })));
    expect(shown).toEqual(expected);
    await page.close();
  });
});
