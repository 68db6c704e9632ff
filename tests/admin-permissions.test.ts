/**
 * The plugin's own admin actions (Settings → Roles → Plugins → Reactions: read analytics, change
 * reaction settings, moderate) and the Content Manager's per-document conditions on its admin
 * answers: an Author sees titles and tallies only of the stories they may read, and changes a
 * story's reaction settings only with update rights on every locale of it.
 */
import request from 'supertest';
import { ADMIN_ACTIONS, REACTION_UID } from '../src/plugins/reactions/shared/contract';
import { createAdmin, createRole } from './helpers/admin-roles';
import { createArticle, newAnonymousReader } from './helpers/content';
import { bootStrapi, startTestApp, type TestApp } from './helpers/strapi';

const ARTICLE_UID = 'api::article.article';
const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];
const FIELDS = ['title', 'slug', 'lead', 'body', 'cover', 'category', 'byline', 'dateline', 'sourceUrl'];

let app: TestApp;
let url: string;
const tokens = { author: '', plain: '', moderator: '', noModeration: '' };
const ids = { own: '', others: '', translated: '' };

const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });
const rolePermissions = async (code: string) => {
  const role = await app.strapi.db.query('admin::role').findOne({ where: { code }, populate: ['permissions'] });
  return (role.permissions as Array<{ action: string }>).map((permission) => permission.action);
};

beforeAll(async () => {
  app = await startTestApp('admin-permissions');
  url = app.url;
  const locales = app.strapi.plugin('i18n').service('locales');
  if (!(await locales.findByCode('fr'))) await locales.create({ code: 'fr', name: 'French (fr)' });

  const author = await createRole(app.strapi, 'Author with analytics', [
    {
      subject: ARTICLE_UID,
      fields: FIELDS,
      locales: ['en', 'fr'],
      explorer: [
        { action: 'read', conditions: ['admin::is-creator'] },
        { action: 'update', conditions: ['admin::is-creator'] },
      ],
      plugin: [ADMIN_ACTIONS.readAnalytics, ADMIN_ACTIONS.changeSettings],
    },
  ]);
  const plain = await createRole(app.strapi, 'Reader of everything, no plugin actions', [
    { subject: ARTICLE_UID, fields: FIELDS, locales: ['en', 'fr'], explorer: [{ action: 'read' }, { action: 'update' }] },
  ]);
  const reactionsDelete = { subject: REACTION_UID, explorer: [{ action: 'read' }, { action: 'delete' }] };
  const moderator = await createRole(app.strapi, 'Moderator', [{ ...reactionsDelete, plugin: [ADMIN_ACTIONS.moderate] }]);
  const noModeration = await createRole(app.strapi, 'Deleter without moderation', [reactionsDelete]);
  const authorAdmin = await createAdmin(app.strapi, url, author, 'author-analytics@example.test');
  tokens.author = authorAdmin.token;
  tokens.plain = (await createAdmin(app.strapi, url, plain, 'plain@example.test')).token;
  tokens.moderator = (await createAdmin(app.strapi, url, moderator, 'moderator@example.test')).token;
  tokens.noModeration = (await createAdmin(app.strapi, url, noModeration, 'no-moderation@example.test')).token;

  ids.own = await createArticle(app.strapi, { title: 'Own story of the author' });
  ids.others = await createArticle(app.strapi, { title: 'Somebody else story' });
  ids.translated = await createArticle(app.strapi, { title: 'Story the author translated' });
  await app.strapi.documents(ARTICLE_UID).update({ documentId: ids.translated, locale: 'fr', data: { title: 'Histoire traduite' } as never });
  const db = app.strapi.db.query(ARTICLE_UID);
  await db.updateMany({ where: { documentId: ids.own }, data: { createdBy: authorAdmin.id } });
  await db.updateMany({ where: { documentId: ids.translated, locale: 'fr' }, data: { createdBy: authorAdmin.id } });
  for (const id of [ids.own, ids.others, ids.translated]) await newAnonymousReader(url, id, 'love');
});
afterAll(async () => {
  await app?.stop();
});

describe('the plugin\'s admin actions', () => {
  it('are registered in the Plugins section of Settings → Roles, all held by the Super Admin', async () => {
    const provider = (app.strapi.service('admin::permission') as unknown as { actionProvider: { get: (id: string) => unknown } }).actionProvider;
    for (const action of Object.values(ADMIN_ACTIONS)) {
      expect([action, provider.get(action)]).toEqual([action, expect.objectContaining({ section: 'plugins', pluginName: 'reactions' })]);
    }
    expect(await rolePermissions('strapi-super-admin')).toEqual(expect.arrayContaining(Object.values(ADMIN_ACTIONS)));
  });

  it('are granted once to Strapi\'s seeded Editor (all three) and Author (analytics and settings)', async () => {
    expect(await rolePermissions('strapi-editor')).toEqual(expect.arrayContaining(Object.values(ADMIN_ACTIONS)));
    const author = await rolePermissions('strapi-author');
    expect(author).toEqual(expect.arrayContaining([ADMIN_ACTIONS.readAnalytics, ADMIN_ACTIONS.changeSettings]));
    expect(author).not.toContain(ADMIN_ACTIONS.moderate);
  });

  it('decide the analytics: without "Read analytics" 403, even with every Content Manager right', async () => {
    const refused = await request(url).get(`/reactions/analytics/top?uid=${ARTICLE_UID}`).set(as('plain'));
    expect(refused.status).toBe(403);
    const allowed = await request(url).get(`/reactions/analytics/top?uid=${ARTICLE_UID}`).set(as('author'));
    expect(allowed.status).toBe(200);
  });

  it('decide settings changes: without "Change reaction settings" 403, even with update rights', async () => {
    const refused = await request(url).put(`/reactions/settings/${ARTICLE_UID}/${ids.others}`).set(as('plain')).send({ data: { closed: true, kinds: KINDS } });
    expect(refused.status).toBe(403);
    expect((await request(url).get(`/api/articles/${ids.others}/reactions`)).body.data.closed).toBe(false);
  });

  it('decide moderation: deleting a reader\'s reaction needs "Moderate reactions" besides the Content Manager\'s delete', async () => {
    const [reaction] = await app.strapi.db.query(REACTION_UID).findMany({ where: { targetDocumentId: ids.others }, limit: 1 });
    const path = `/content-manager/collection-types/${REACTION_UID}/${reaction.documentId}`;
    const refused = await request(url).delete(path).set(as('noModeration'));
    expect(refused.status).toBe(403);
    expect(await app.strapi.db.query(REACTION_UID).count({ where: { documentId: reaction.documentId } })).toBe(1);
    const deleted = await request(url).delete(path).set(as('moderator'));
    expect(deleted.status).toBe(200);
    expect(await app.strapi.db.query(REACTION_UID).count({ where: { documentId: reaction.documentId } })).toBe(0);
    await newAnonymousReader(url, ids.others, 'love');
  });
});

describe('per-document conditions on the plugin\'s admin answers', () => {
  it('show an Author titles only of the stories they may read', async () => {
    const top = await request(url).get(`/reactions/analytics/top?uid=${ARTICLE_UID}&window=24h`).set(as('author'));
    const titles = Object.fromEntries((top.body.data as Array<{ documentId: string; title: string | null }>).map((entry) => [entry.documentId, entry.title]));
    expect(titles).toEqual({ [ids.own]: 'Own story of the author', [ids.others]: null, [ids.translated]: 'Story the author translated' });
    const csv = await request(url).get(`/reactions/analytics/export?uid=${ARTICLE_UID}`).set(as('author'));
    expect(csv.text).toContain('Own story of the author');
    expect(csv.text).not.toContain('Somebody else story');
    const series = await request(url).get(`/reactions/analytics/series?uid=${ARTICLE_UID}&documentId=${ids.others}`).set(as('author'));
    expect(series.body.data.title).toBeNull();
  });

  it('give an Author tallies only of the stories they may read', async () => {
    const res = await request(url).get(`/reactions/tallies?uid=${ARTICLE_UID}&documentIds=${ids.own},${ids.others},${ids.translated}`).set(as('author'));
    expect(res.status).toBe(200);
    expect(res.body.data.map((tally: { documentId: string }) => tally.documentId)).toEqual([ids.own, ids.translated]);
  });

  it('let an Author change the settings of a story only with update rights on every locale of it', async () => {
    const translated = await request(url).put(`/reactions/settings/${ARTICLE_UID}/${ids.translated}`).set(as('author')).send({ data: { closed: true, kinds: KINDS } });
    expect(translated.status).toBe(403);
    expect(translated.body.error.message).toBe('You may not update every locale of this document');
    expect((await request(url).get(`/api/articles/${ids.translated}/reactions`)).body.data.closed).toBe(false);
    const own = await request(url).put(`/reactions/settings/${ARTICLE_UID}/${ids.own}`).set(as('author')).send({ data: { closed: true, kinds: KINDS } });
    expect(own.status).toBe(200);
    expect((await request(url).get(`/api/articles/${ids.own}/reactions`)).body.data.closed).toBe(true);
  });
});

describe('an admin\'s choices', () => {
  it('survive restarts: a revoked plugin action is never granted again', async () => {
    const editor = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
    await app.strapi.db.query('admin::permission').deleteMany({ where: { role: editor.id, action: ADMIN_ACTIONS.readAnalytics } });
    const database = app.database;
    await app.stop({ keepDatabase: true });
    app = await bootStrapi(database);
    const actions = await rolePermissions('strapi-editor');
    expect(actions).not.toContain(ADMIN_ACTIONS.readAnalytics);
    expect(actions).toContain(ADMIN_ACTIONS.moderate);
  });
});
