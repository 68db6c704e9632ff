/**
 * Upgrade without loss: SQLite databases written by older code boot on the plugin of today:
 * tests/fixtures/pre-plugin (the app before reactions became a plugin) and tests/fixtures/round-2
 * (the plugin before its tables were prefixed), both made by scripts/make-upgrade-fixture.js.
 * Every tally is as it was, old anonymous tokens and signed-in readers keep their reactions, a new write moves a reader's reaction rather than adding one, and counters equal rows.
 * SQLite only: the fixtures are SQLite files (the PostgreSQL half runs it on SQLite too).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import type { TestDatabase } from './helpers/database';
import { bootStrapi, APP_DIR, type TestApp } from './helpers/strapi';

type Fixture = {
  env: Record<string, string>;
  documents: Array<{ name: string; path: string; documentId: string }>;
  tallies: Array<{ documentId: string; total: number; counts: Record<string, number> }>;
  readers: Array<{ name: string; type: 'user' | 'anonymous'; token?: string; email?: string; password?: string; mine: Record<string, string | null> }>;
  rowCounts: Record<string, number>;
};

const FIXTURES = ['pre-plugin', 'round-2'];

describe.each(FIXTURES)('a %s database on the plugin', (name) => {
  const FIXTURE_DIR = path.join(APP_DIR, 'tests', 'fixtures', name);
  const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'readers.json'), 'utf8')) as Fixture;

  let app: TestApp;
  let dir: string;

  const copyOfFixture = (): TestDatabase => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-upgrade-'));
    const filename = path.join(dir, 'data.db');
    fs.copyFileSync(path.join(FIXTURE_DIR, 'data.db'), filename);
    return {
      name: filename,
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: filename },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  };

  beforeAll(async () => {
    app = await bootStrapi(copyOfFixture(), { env: { APP_KEYS: fixture.env.APP_KEYS, JWT_SECRET: fixture.env.JWT_SECRET } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const pathOf = (documentId: string) => fixture.documents.find((d) => d.documentId === documentId)?.path as string;

  const tallyAs = (documentId: string, headers: Record<string, string> = {}) =>
    request(app.url).get(`/api/${pathOf(documentId)}/${documentId}/reactions`).set(headers);

  const headersOf = async (reader: Fixture['readers'][number]): Promise<Record<string, string>> => {
    if (reader.type === 'anonymous') return { 'X-Reactor-Token': reader.token as string };
    const login = await request(app.url).post('/api/auth/local').send({ identifier: reader.email, password: reader.password });
    expect(login.status).toBe(200);
    return { Authorization: `Bearer ${login.body.jwt}` };
  };

  it('keeps every tally exactly', async () => {
    expect(fixture.tallies.length).toBeGreaterThanOrEqual(4);
    for (const expected of fixture.tallies) {
      const res = await tallyAs(expected.documentId);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ ...expected, mine: null, closed: false, kinds: ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'] });
    }
  });

  it("keeps every reader's own reactions, anonymous tokens and signed-in accounts alike", async () => {
    expect(fixture.readers.filter((r) => r.type === 'anonymous').length).toBeGreaterThan(0);
    expect(fixture.readers.filter((r) => r.type === 'user').length).toBeGreaterThan(0);
    for (const reader of fixture.readers) {
      const headers = await headersOf(reader);
      for (const [documentId, mine] of Object.entries(reader.mine)) {
        expect([reader.name, documentId, (await tallyAs(documentId, headers)).body.data.mine]).toEqual([reader.name, documentId, mine]);
      }
    }
  });

  it('moves an old reader\'s reaction on a new write instead of adding one', async () => {
    const reader = fixture.readers.find((r) => r.type === 'anonymous' && Object.values(r.mine).some(Boolean)) as Fixture['readers'][number];
    const [documentId, kind] = Object.entries(reader.mine).find(([, value]) => value) as [string, string];
    const before = fixture.tallies.find((t) => t.documentId === documentId) as Fixture['tallies'][number];
    const other = kind === 'wow' ? 'sad' : 'wow';
    const moved = await request(app.url)
      .put(`/api/${pathOf(documentId)}/${documentId}/reactions`)
      .set('X-Reactor-Token', reader.token as string)
      .send({ data: { kind: other } });
    expect(moved.status).toBe(200);
    expect(moved.body.data.total).toBe(before.total);
    expect(moved.body.data.mine).toBe(other);
    expect(moved.body.data.counts[kind]).toBe(before.counts[kind] - 1);
    expect(moved.body.data.counts[other]).toBe(before.counts[other] + 1);
  });

  it('has counters equal to rows, keeps the links, and grants the plugin\'s actions instead of the old ones', async () => {
    expect(await app.strapi.plugin('reactions').service('maintenance').reconcile({ repair: false })).toEqual([]);
    const db = app.strapi.db.connection;
    // The plugin's tables now carry its prefix, with every row; the old names are gone.
    expect(Number((await db('reader_reactions').count({ n: '*' }))[0].n)).toBe(fixture.rowCounts.reactions);
    // A counter row or more: the move above may have opened one.
    expect(Number((await db('reader_reaction_counters').count({ n: '*' }))[0].n)).toBeGreaterThanOrEqual(fixture.rowCounts.reaction_counters);
    expect(Number((await db('reader_reactions_article_lnk').count({ n: '*' }))[0].n)).toBe(fixture.rowCounts.reactions_article_lnk);
    expect(Number((await db('reader_reactions_user_lnk').count({ n: '*' }))[0].n)).toBe(fixture.rowCounts.reactions_user_lnk);
    for (const old of ['reactions', 'reaction_counters', 'reaction_settings', 'reactions_article_lnk', 'reactions_user_lnk']) {
      expect([old, await db.schema.hasTable(old)]).toEqual([old, false]);
    }
    const actions = (await db('up_permissions').select('action')).map((row: { action: string }) => row.action);
    expect(actions.filter((action: string) => action.startsWith('api::reaction.'))).toEqual([]);
    expect(actions).toContain('plugin::reactions.reactions.set');
    const migrations = (await db('strapi_migrations').select('name')).map((row: { name: string }) => row.name);
    expect(migrations.some((migration: string) => migration.includes('reactions-become-a-plugin'))).toBe(true);
    const internal = (await db('strapi_migrations_internal').select('name')).map((row: { name: string }) => row.name);
    expect(internal).toContain('reader-reactions-prefixed-tables');
  });
});
