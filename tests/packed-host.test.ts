/**
 * Proof from outside the newsroom app: the plugin as npm ships it. `npm pack` makes the tarball;
 * a host of the `create-strapi-app` shape (plain JavaScript, GraphQL, no users-permissions, a
 * Reaction type of its own, the plugin listed first and found by its package name, not a path)
 * gets the tarball's files in its node_modules, exactly as `npm install <tarball>` puts them
 * (dependencies resolve from the repository's node_modules: the machine is offline). Then:
 * `strapi-plugin verify` passes on the unpacked package, and on the first boot reader routes,
 * GraphQL and the admin API answer; the host's own 30-alias query on its own type still works.
 * The oldest Strapi minor the peer range claims (`^5.54.0`) is the one installed here.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { createTestDatabase } from './helpers/database';
import { APP_DIR, bootStrapi, type TestApp } from './helpers/strapi';

const PLUGIN_DIR = path.join(APP_DIR, 'src', 'plugins', 'reactions');
const RECIPE_APP = path.join(APP_DIR, 'tests', 'fixtures', 'recipe-app');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(PLUGIN_DIR, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};

let hostDir: string;
let app: TestApp;
let dish: string;

/** The host: the recipe app's files, with the plugin by name and GraphQL, without users-permissions. */
const makeHost = (tarball: string) => {
  fs.cpSync(RECIPE_APP, hostDir, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
  const pkg = JSON.parse(fs.readFileSync(path.join(hostDir, 'package.json'), 'utf8'));
  pkg.name = 'packed-host';
  pkg.dependencies = {
    '@strapi/strapi': '5.54.0',
    '@strapi/plugin-graphql': '5.54.0',
    [PACKAGE.name]: `file:${tarball}`,
  };
  fs.writeFileSync(path.join(hostDir, 'package.json'), JSON.stringify(pkg, null, 2));
  fs.writeFileSync(
    path.join(hostDir, 'config', 'plugins.js'),
    `module.exports = () => ({
  reactions: { enabled: true, config: { targets: ['api::recipe.recipe'] } },
  graphql: { config: { shadowCRUD: true, landingPage: false } },
  'users-permissions': { enabled: false },
});
`
  );
  // What npm install does with a tarball: its package/ folder becomes node_modules/<name>.
  const installed = path.join(hostDir, 'node_modules', PACKAGE.name);
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  return installed;
};

beforeAll(async () => {
  hostDir = fs.mkdtempSync(path.join(APP_DIR, 'tests', '.hosts-'));
  // The package as published: dist is built by `npm test` before jest runs.
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', hostDir], { cwd: PLUGIN_DIR, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(output) as Array<{ filename: string }>;
  const installed = makeHost(path.join(hostDir, filename));
  execFileSync(process.execPath, [path.join(APP_DIR, 'node_modules', '@strapi', 'sdk-plugin', 'bin', 'strapi-plugin.js'), 'verify'], { cwd: installed, stdio: 'pipe' });
  app = await bootStrapi(await createTestDatabase('packed-host'), { appDir: hostDir, distDir: hostDir });
  dish = (await app.strapi.documents('api::recipe.recipe' as never).create({ data: { name: 'Pea risotto', minutes: 35 } as never, status: 'published' }))
    .documentId;
}, 240000);

afterAll(async () => {
  await app?.stop();
  if (hostDir) fs.rmSync(hostDir, { recursive: true, force: true });
});

describe('the packed plugin in a host of another shape', () => {
  it('is the tarball, found by its package name, on the oldest Strapi the peer range claims', () => {
    const loaded = require.resolve(`${PACKAGE.name}/package.json`, { paths: [hostDir] });
    expect(loaded.startsWith(path.join(hostDir, 'node_modules'))).toBe(true);
    expect(fs.existsSync(path.join(path.dirname(loaded), 'server', 'src', '__tests__'))).toBe(false);
    expect(PACKAGE.peerDependencies['@strapi/strapi']).toBe(`^${app.strapi.config.get('info.strapi')}`);
    expect(app.strapi.plugin('users-permissions')).toBeUndefined();
  });

  it('answers readers on the first boot', async () => {
    const first = await request(app.url).put(`/api/recipes/${dish}/reactions`).send({ data: { kind: 'love' } });
    expect(first.status).toBe(201);
    const token = first.headers['x-reactor-token'];
    const mine = await request(app.url).get('/api/reactions/mine').set('X-Reactor-Token', token);
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([expect.objectContaining({ target: 'recipes', documentId: dish, kind: 'love' })]);
    const kinds = await request(app.url).get('/api/reaction-kinds');
    expect(kinds.body.data.map((kind: { kind: string }) => kind.kind)).toEqual(['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow']);
  });

  it('answers GraphQL, and the host\'s own 30-alias query on its own type still works', async () => {
    const tallies = await request(app.url)
      .post('/graphql')
      .send({ query: `{ reactionTallies(documentIds: ["${dish}"]) { documentId total } }` });
    expect(tallies.status).toBe(200);
    expect(tallies.body.errors).toBeUndefined();
    expect(tallies.body.data.reactionTallies).toEqual([{ documentId: dish, total: 1 }]);
    await app.strapi.documents('api::reaction.reaction' as never).create({ data: { note: 'Lovely', kind: 'tasted' } as never });
    const aliases = Array.from({ length: 30 }, (_, i) => `r${i}: reactions { note }`).join(' ');
    // The host's own type is behind the host's own auth: without users-permissions, an API token.
    const apiToken = (await app.strapi.service('admin::api-token').create({ name: 'host-reads', type: 'full-access', lifespan: null })) as { accessKey: string };
    const own = await request(app.url).post('/graphql').set('Authorization', `Bearer ${apiToken.accessKey}`).send({ query: `{ ${aliases} }` });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.r29).toEqual([{ note: 'Lovely' }]);
  });

  it('answers the admin API for an admin', async () => {
    const registered = await request(app.url)
      .post('/admin/register-admin')
      .send({ email: 'host-admin@example.test', password: 'Host-admin-pass-1', firstname: 'Host' });
    expect(registered.status).toBe(200);
    const auth = { Authorization: `Bearer ${registered.body.data.token}` };
    const settings = await request(app.url).get('/reactions/settings').set(auth);
    expect(settings.status).toBe(200);
    const top = await request(app.url).get('/reactions/analytics/top?uid=api::recipe.recipe').set(auth);
    expect(top.status).toBe(200);
    expect((await request(app.url).get('/reactions/settings')).status).toBe(401);
  });
});
