/**
 * The plugin in a project without users-permissions (the recipe app with it switched off): every
 * reader route answers on the first start, through the plugin's own public strategy, and
 * anonymous readers keep their identity by reactor token. Signed-in readers need
 * users-permissions: a JWT here is refused with `jwt-invalid`, never mistaken for a token.
 */
import path from 'path';
import request from 'supertest';
import { UNAUTHORIZED_REASONS } from '../src/plugins/reactions/shared/contract';
import { createTestDatabase } from './helpers/database';
import { APP_DIR, bootStrapi, type TestApp } from './helpers/strapi';

const RECIPE_APP = path.join(APP_DIR, 'tests', 'fixtures', 'recipe-app');

let app: TestApp;
let soup: string;

beforeAll(async () => {
  app = await bootStrapi(await createTestDatabase('no-users-permissions'), {
    appDir: RECIPE_APP,
    distDir: RECIPE_APP,
    env: { RECIPE_USERS_PERMISSIONS: 'false' },
  });
  soup = (await app.strapi.documents('api::recipe.recipe' as never).create({ data: { name: 'Onion soup', minutes: 60 } as never, status: 'published' }))
    .documentId;
});
afterAll(async () => {
  await app?.stop();
  delete process.env.RECIPE_USERS_PERMISSIONS;
});

describe('a host without users-permissions', () => {
  it('really has no users-permissions', () => {
    expect(app.strapi.plugin('users-permissions')).toBeUndefined();
  });

  it('answers every reader route on the first start', async () => {
    const kinds = await request(app.url).get('/api/reaction-kinds');
    expect(kinds.status).toBe(200);
    const first = await request(app.url).put(`/api/recipes/${soup}/reactions`).send({ data: { kind: 'yum' } });
    expect(first.status).toBe(201);
    const token = first.headers['x-reactor-token'];
    expect(token).toEqual(expect.any(String));
    const answers = await Promise.all([
      request(app.url).get(`/api/recipes/${soup}/reactions`).set('X-Reactor-Token', token),
      request(app.url).get(`/api/reaction-tallies?documentIds=${soup}`),
      request(app.url).get('/api/reactions/mine').set('X-Reactor-Token', token),
      request(app.url).get('/api/reaction-trends'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers[0].body.data).toMatchObject({ total: 1, mine: 'yum' });
    const moved = await request(app.url).put(`/api/recipes/${soup}/reactions`).set('X-Reactor-Token', token).send({ data: { kind: 'meh' } });
    expect(moved.body.data).toMatchObject({ total: 1, counts: { yum: 0, meh: 1 }, mine: 'meh' });
    const cleared = await request(app.url).delete(`/api/recipes/${soup}/reactions`).set('X-Reactor-Token', token);
    expect(cleared.body.data).toMatchObject({ total: 0, mine: null });
    const erased = await request(app.url).delete('/api/reactions/mine').set('X-Reactor-Token', token);
    expect(erased.status).toBe(200);
  });

  it('refuses a JWT (signed-in readers need users-permissions) and a claim, saying why', async () => {
    const withJwt = await request(app.url).put(`/api/recipes/${soup}/reactions`).set('Authorization', 'Bearer e30.e30.c2ln').send({ data: { kind: 'yum' } });
    expect(withJwt.status).toBe(401);
    expect(withJwt.body.error.details.reason).toBe(UNAUTHORIZED_REASONS.jwtInvalid);
    const claim = await request(app.url).post('/api/reactions/claim');
    expect(claim.status).toBe(401);
    expect(claim.body.error.details.reason).toBe(UNAUTHORIZED_REASONS.identityMissing);
  });

  it('keeps the host\'s own routes to the host: recipes stay behind its own auth', async () => {
    expect((await request(app.url).get('/api/recipes')).status).toBe(401);
  });
});
