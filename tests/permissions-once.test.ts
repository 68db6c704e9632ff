/**
 * The plugin's reader permissions in a project that is not ours (the recipe app: plain
 * JavaScript, the plugin listed before users-permissions, no start-up grants of its own):
 * - the first start works at once: Public and Authenticated hold the plugin's reader actions;
 * - users-permissions still seeds its own defaults (its table was empty when it looked);
 * - nothing is granted on the host's own types, and the start names each target Public cannot find;
 * - the grant is made once: an admin's revocation survives a restart.
 */
import path from 'path';
import request from 'supertest';
import { createTestDatabase } from './helpers/database';
import { APP_DIR, bootStrapi, type TestApp } from './helpers/strapi';

const RECIPE_APP = path.join(APP_DIR, 'tests', 'fixtures', 'recipe-app');
const READER_ACTIONS = [
  'plugin::reactions.reactions.tally',
  'plugin::reactions.reactions.set',
  'plugin::reactions.reactions.clear',
  'plugin::reactions.reactions.tallies',
  'plugin::reactions.reactions.kinds',
  'plugin::reactions.mine.find',
  'plugin::reactions.mine.forget',
  'plugin::reactions.mine.claim',
  'plugin::reactions.trends.find',
];

let app: TestApp;
let warnings: string[] = [];

const boot = (database: TestApp['database']) =>
  bootStrapi(database, {
    appDir: RECIPE_APP,
    distDir: RECIPE_APP,
    configure: (strapi) => {
      const warn = strapi.log.warn.bind(strapi.log);
      strapi.log.warn = ((message: unknown, ...rest: unknown[]) => {
        warnings.push(String(message));
        return warn(message as string, ...(rest as []));
      }) as typeof strapi.log.warn;
    },
  });

const actionsOf = async (type: string): Promise<string[]> => {
  const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type }, populate: ['permissions'] });
  return (role.permissions as Array<{ action: string }>).map((permission) => permission.action).sort();
};

const publishedRecipe = async () =>
  (await app.strapi.documents('api::recipe.recipe' as never).create({ data: { name: 'Barley broth', minutes: 50 } as never, status: 'published' })).documentId;

beforeAll(async () => {
  app = await boot(await createTestDatabase('permissions-once'));
});
afterAll(async () => {
  await app?.stop();
});

describe('reader permissions on the first start of a project that is not ours', () => {
  it('lets readers react at once, with the plugin listed before users-permissions', async () => {
    const recipe = await publishedRecipe();
    const put = await request(app.url).put(`/api/recipes/${recipe}/reactions`).send({ data: { kind: 'yum' } });
    expect(put.status).toBe(201);
    expect(put.body.data.total).toBe(1);
  });

  it('grants the plugin\'s reader actions to Public and Authenticated, and nothing on the host\'s types', async () => {
    for (const type of ['public', 'authenticated']) {
      const actions = await actionsOf(type);
      expect(actions).toEqual(expect.arrayContaining(READER_ACTIONS));
      expect(actions.filter((action) => action.startsWith('api::'))).toEqual([]);
    }
  });

  it('leaves users-permissions its own defaults (seeded only while its table is empty)', async () => {
    // users-permissions' default Public permissions include registering and signing in.
    expect(await actionsOf('public')).toEqual(expect.arrayContaining(['plugin::users-permissions.auth.callback', 'plugin::users-permissions.auth.register']));
    expect(await actionsOf('authenticated')).toEqual(expect.arrayContaining(['plugin::users-permissions.user.me']));
  });

  it('names each target whose find the Public role lacks', () => {
    expect(warnings.filter((line) => line.includes('api::recipe.recipe'))).toHaveLength(1);
    expect(warnings.find((line) => line.includes('api::recipe.recipe'))).toMatch(/Public role may not find/);
    // The list itself stays the host's decision.
    return request(app.url).get('/api/recipes').expect(403);
  });

  it('keeps an admin\'s revocation across restarts', async () => {
    const recipe = await publishedRecipe();
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
    await app.strapi.db.query('plugin::users-permissions.permission').delete({ where: { action: 'plugin::reactions.reactions.set', role: role.id } });
    const database = app.database;
    await app.stop({ keepDatabase: true });
    warnings = [];
    app = await boot(database);
    expect(await actionsOf('public')).not.toContain('plugin::reactions.reactions.set');
    expect(await actionsOf('authenticated')).toContain('plugin::reactions.reactions.set');
    const refused = await request(app.url).put(`/api/recipes/${recipe}/reactions`).send({ data: { kind: 'meh' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.name).toBe('ForbiddenError');
    // Reads the admin left alone still answer.
    expect((await request(app.url).get(`/api/recipes/${recipe}/reactions`)).status).toBe(200);
  });
});
