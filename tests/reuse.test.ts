/**
 * Proof of reuse: the plugin in a second Strapi app of another shape, tests/fixtures/recipe-app:
 * plain JavaScript, its own Recipe collection type and no Article, two kinds of its own, and
 * the plugin resolved by path from one entry in config/plugins.js, listed before users-permissions.
 * Readers react to recipes over REST, and recipes carry `reactionTally` (an admin made recipes public).
 */
import path from 'path';
import request from 'supertest';
import { createTestDatabase } from './helpers/database';
import { APP_DIR, bootStrapi, type TestApp } from './helpers/strapi';

const RECIPE_APP = path.join(APP_DIR, 'tests', 'fixtures', 'recipe-app');

let app: TestApp;
let soup: string;
let draft: string;

beforeAll(async () => {
  app = await bootStrapi(await createTestDatabase('recipes'), { appDir: RECIPE_APP, distDir: RECIPE_APP });
  // Recipes are public because an admin says so (Settings → Roles → Public), not because of the plugin.
  const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
  for (const action of ['api::recipe.recipe.find', 'api::recipe.recipe.findOne']) {
    await app.strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
  }
  const recipes = app.strapi.documents('api::recipe.recipe' as never);
  soup = (await recipes.create({ data: { name: 'Lentil soup', minutes: 40 } as never, status: 'published' })).documentId;
  draft = (await recipes.create({ data: { name: 'Secret stew' } as never })).documentId;
});
afterAll(async () => {
  await app?.stop();
});

describe('the reactions plugin in a plain JavaScript recipe app', () => {
  it('has no Article, and offers the kinds this app configured', async () => {
    expect(app.strapi.contentTypes['api::article.article' as never]).toBeUndefined();
    const kinds = await request(app.url).get('/api/reaction-kinds');
    expect(kinds.body.data).toEqual([
      { kind: 'yum', label: 'Yum', emoji: '😋' },
      { kind: 'meh', label: 'Meh', emoji: '😐' },
    ]);
  });

  it('lets readers react to recipes over REST, one reaction per reader', async () => {
    const first = await request(app.url).put(`/api/recipes/${soup}/reactions`).send({ data: { kind: 'yum' } });
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({ documentId: soup, total: 1, counts: { yum: 1, meh: 0 }, mine: 'yum', closed: false, kinds: ['yum', 'meh'] });
    const token = first.headers['x-reactor-token'];
    const moved = await request(app.url).put(`/api/recipes/${soup}/reactions`).set('X-Reactor-Token', token).send({ data: { kind: 'meh' } });
    expect(moved.body.data).toEqual({ documentId: soup, total: 1, counts: { yum: 0, meh: 1 }, mine: 'meh', closed: false, kinds: ['yum', 'meh'] });
    const wrong = await request(app.url).put(`/api/recipes/${soup}/reactions`).send({ data: { kind: 'like' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.allowed).toEqual(['yum', 'meh']);
    expect((await request(app.url).put(`/api/recipes/${draft}/reactions`).send({ data: { kind: 'yum' } })).status).toBe(404);
    expect((await request(app.url).get(`/api/articles/${soup}/reactions`)).status).toBe(404);
  });

  it('adds reactionTally to Strapi\'s own recipe list and one', async () => {
    const list = await request(app.url).get('/api/recipes');
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual(['Lentil soup']);
    expect(list.body.data[0].reactionTally).toEqual({ documentId: soup, total: 1, counts: { yum: 0, meh: 1 }, mine: null, closed: false, kinds: ['yum', 'meh'] });
    const one = await request(app.url).get(`/api/recipes/${soup}`);
    expect(one.body.data.reactionTally.total).toBe(1);
    const tallies = await request(app.url).get(`/api/reaction-tallies?documentIds=${soup},${draft}`);
    expect(tallies.body.data.map((t: { documentId: string }) => t.documentId)).toEqual([soup]);
  });
});

describe('a host with a Reaction type of its own', () => {
  it('keeps its own table and routes, and the plugin keeps its own', async () => {
    // Both boot: the plugin's tables carry its prefix.
    const tables = { host: app.strapi.db.metadata.get('api::reaction.reaction').tableName, plugin: app.strapi.db.metadata.get('plugin::reactions.reaction').tableName };
    expect(tables).toEqual({ host: 'reactions', plugin: 'reader_reactions' });

    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
    for (const action of ['api::reaction.reaction.find', 'api::reaction.reaction.findOne']) {
      await app.strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
    }
    const note = await app.strapi.documents('api::reaction.reaction' as never).create({ data: { note: 'Needs more salt', kind: 'tasted' } as never });

    // The host's routes answer for its own type...
    const list = await request(app.url).get('/api/reactions');
    expect(list.status).toBe(200);
    expect(list.body.data.map((row: { note: string }) => row.note)).toEqual(['Needs more salt']);
    const one = await request(app.url).get(`/api/reactions/${note.documentId}`);
    expect(one.status).toBe(200);
    expect(one.body.data.note).toBe('Needs more salt');

    // ...and the plugin's fixed paths answer as the plugin, in any case.
    const first = await request(app.url).put(`/api/recipes/${soup}/reactions`).send({ data: { kind: 'yum' } });
    const token = first.headers['x-reactor-token'];
    for (const path of ['/api/reactions/mine', '/API/Reactions/Mine']) {
      const mine = await request(app.url).get(path).set('X-Reactor-Token', token);
      expect(mine.status).toBe(200);
      expect(mine.body.data).toEqual([expect.objectContaining({ target: 'recipes', documentId: soup, kind: 'yum' })]);
    }
    const docs = await request(app.url).get('/api/reactions/openapi.json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    const erased = await request(app.url).delete('/api/reactions/mine').set('X-Reactor-Token', token);
    expect(erased.status).toBe(200);
    expect(erased.body.data).toEqual({ removed: 1 });
    expect(await app.strapi.documents('api::reaction.reaction' as never).findMany({})).toHaveLength(1);
  });
});

describe('what the plugin carries into a host with Strapi\'s default CORS and no middleware of its own', () => {
  const other = 'https://reader.example';

  it('lets a page on another origin send X-Reactor-Token (preflight) and read it and Retry-After back', async () => {
    const preflight = await request(app.url)
      .options(`/api/recipes/${soup}/reactions`)
      .set('Origin', other)
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'content-type,x-reactor-token');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers'].toLowerCase().split(/,\s*/)).toContain('x-reactor-token');
    const put = await request(app.url).put(`/api/recipes/${soup}/reactions`).set('Origin', other).send({ data: { kind: 'yum' } });
    expect(put.status).toBe(201);
    expect(put.headers['access-control-expose-headers'].toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['x-reactor-token', 'retry-after']));
  });

  it('keeps identified answers out of shared caches, whatever the path\'s case', async () => {
    const put = await request(app.url).put(`/api/recipes/${soup}/reactions`).send({ data: { kind: 'meh' } });
    expect(put.headers['cache-control']).toBe('private, no-store');
    const token = put.headers['x-reactor-token'];
    for (const path of [`/api/recipes/${soup}/reactions`, `/API/Recipes/${soup}/Reactions`, '/api/recipes', `/Api/RECIPES/${soup}`]) {
      const res = await request(app.url).get(path).set('X-Reactor-Token', token);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers.vary.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'cookie', 'x-reactor-token']));
    }
    const anonymous = await request(app.url).get('/api/recipes');
    expect(anonymous.headers.vary.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'cookie', 'x-reactor-token']));
  });
});
