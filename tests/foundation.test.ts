/**
 * The foundation: content visibility, the database-owned unique reader key (also across a
 * restart), idempotent sample seeding, kinds in config and schema agreeing, and .env generation.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { bootStrapi, startTestApp, APP_DIR, type TestApp } from './helpers/strapi';
import { createArticle, newAnonymousReader } from './helpers/content';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEnv } = require('../scripts/ensure-env.js') as {
  ensureEnv: (dir: string, env?: Record<string, string>) => { created: boolean; added: string[] };
};

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp('foundation');
});
afterAll(async () => {
  await app?.stop();
});

const duplicateReaction = (documentId: string, readerKey: string) => ({
  document_id: `dup${Math.random().toString(36).slice(2, 12)}`,
  kind: 'like',
  reader_type: 'anonymous',
  target_type: 'api::article.article',
  target_document_id: documentId,
  reader_key: readerKey,
});

describe('articles for the public', () => {
  it('shows published articles and hides drafts, in lists and one by one', async () => {
    const published = await createArticle(app.strapi, { title: 'Visible published story' });
    const draft = await createArticle(app.strapi, { published: false, title: 'Invisible draft story' });
    const list = await request(app.url).get('/api/articles?pagination[pageSize]=100');
    expect(list.status).toBe(200);
    const ids = list.body.data.map((a: { documentId: string }) => a.documentId);
    expect(ids).toContain(published);
    expect(ids).not.toContain(draft);
    expect((await request(app.url).get(`/api/articles/${published}`)).status).toBe(200);
    expect((await request(app.url).get(`/api/articles/${draft}`)).status).toBe(404);
  });

  it('gives the public no route to raw reactions or counters', async () => {
    for (const path of ['/api/reactions', '/api/reaction-counters']) {
      const res = await request(app.url).get(path);
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    }
    const create = await request(app.url).post('/api/reactions').send({ data: { kind: 'like' } });
    expect([404, 405]).toContain(create.status);
  });
});

describe('one reaction per reader, enforced by the database', () => {
  it('refuses a second row with the same reader key, also after a restart', async () => {
    const id = await createArticle(app.strapi);
    await newAnonymousReader(app.url, id, 'like');
    const [row] = await app.strapi.db.connection('reader_reactions').select('reader_key').where('target_document_id', id);
    // Resolves to the database's refusal; the native driver's errors may come from another realm
    // under jest, so the message is compared rather than the class.
    const insertDuplicate = (strapi: TestApp['strapi']) =>
      strapi.db
        .connection('reader_reactions')
        .insert(duplicateReaction(id, row.reader_key))
        .then(
          () => 'inserted',
          (error: { message?: string }) => String(error?.message)
        );

    expect(await insertDuplicate(app.strapi)).toMatch(/unique|duplicate/i);
    expect(await app.strapi.db.connection('reader_reactions').where('reader_key', row.reader_key)).toHaveLength(1);

    await app.stop({ keepDatabase: true });
    app = await bootStrapi(app.database);
    expect(await insertDuplicate(app.strapi)).toMatch(/unique|duplicate/i);
    // The same reader on another article is fine: the key is per document.
    const other = await createArticle(app.strapi);
    await app.strapi.db.connection('reader_reactions').insert(duplicateReaction(other, row.reader_key));
    expect(await app.strapi.db.connection('reader_reactions').where('reader_key', row.reader_key)).toHaveLength(2);
  });
});

describe('reaction kinds', () => {
  it('agree between the plugin defaults, the schema file, the loaded schema and the API', async () => {
    const schemaFile = JSON.parse(
      fs.readFileSync(path.join(APP_DIR, 'src/plugins/reactions/server/src/content-types/reaction/schema.json'), 'utf8')
    );
    const loaded = app.strapi.contentType('plugin::reactions.reaction').attributes.kind as { enum: string[] };
    const api = await request(app.url).get('/api/reaction-kinds');
    const served = api.body.data.map((k: { kind: string }) => k.kind);
    // config/plugins.ts lists no kinds: the seven defaults, in this order.
    expect(served).toEqual(['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow']);
    expect(loaded.enum).toEqual(served);
    expect(schemaFile.attributes.kind.enum).toEqual(served);
  });
});

describe('sample content', () => {
  it('seeds published articles with reactions, and a second run changes nothing', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { seedSampleContent } = require(path.join(APP_DIR, 'dist/src/bootstrap/seed'));
    await seedSampleContent(app.strapi);
    const count = async () => ({
      articles: await app.strapi.db.query('api::article.article').count({ where: { publishedAt: { $notNull: true } } }),
      videos: await app.strapi.db.query('api::video.video').count({}),
      reactions: Number((await app.strapi.db.connection('reader_reactions').count({ n: '*' }))[0].n),
    });
    const first = await count();
    const second = await seedSampleContent(app.strapi);
    expect(second.created).toBe(0);
    expect(await count()).toEqual(first);

    const list = await request(app.url).get('/api/articles?filters[byline][$eq]=Mara Lindqvist');
    expect(list.body.data).toHaveLength(1);
    const story = list.body.data[0];
    expect(story.title).toMatch(/night ferry/);
    expect(story.dateline).toBe('PORT ELSMERE');
    expect(story.body.some((block: { type: string }) => block.type === 'heading')).toBe(true);
    expect(story.body.some((block: { type: string }) => block.type === 'quote')).toBe(true);
    expect(story.reactionTally.total).toBe(16);
  });
});

describe('.env generation', () => {
  it('creates .env with every secret when missing, and keeps an existing one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-env-'));
    // A shell with no secrets of its own (this process has the test secrets in its environment).
    const shell = { NODE_ENV: 'development' };
    try {
      const created = ensureEnv(dir, shell);
      expect(created.created).toBe(true);
      const text = fs.readFileSync(path.join(dir, '.env'), 'utf8');
      for (const key of ['APP_KEYS', 'API_TOKEN_SALT', 'ADMIN_JWT_SECRET', 'JWT_SECRET', 'TRANSFER_TOKEN_SALT', 'ENCRYPTION_KEY']) {
        expect(text).toMatch(new RegExp(`^${key}=\\S{16,}`, 'm'));
      }
      expect(ensureEnv(dir, shell).added).toEqual([]);
      expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).toBe(text);

      fs.writeFileSync(path.join(dir, '.env'), 'JWT_SECRET=mine\nPORT=4000\n');
      const completed = ensureEnv(dir, shell);
      expect(completed.created).toBe(false);
      expect(completed.added).not.toContain('JWT_SECRET');
      const kept = fs.readFileSync(path.join(dir, '.env'), 'utf8');
      expect(kept.startsWith('JWT_SECRET=mine\nPORT=4000\n')).toBe(true);
      expect(kept).toMatch(/^APP_KEYS=\S+/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
