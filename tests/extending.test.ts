/**
 * Developers extend the project: a second reaction target from config alone (Video), kinds
 * changed in config, a field added to Article, and reaction events delivered as real webhooks.
 */
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import type { AddressInfo } from 'net';
import { bootStrapi, startTestApp, APP_DIR, type TestApp } from './helpers/strapi';
import { createTestDatabase } from './helpers/database';
import { createArticle, deleteReaction, expectTallyMatchesRows, getTally, putReaction } from './helpers/content';
import { gql, TALLY_FIELDS } from './helpers/graphql';

const createVideo = async (app: TestApp, { published = true, title = 'Harbour at night' } = {}) =>
  (
    await app.strapi.documents('api::video.video').create({
      data: { title, videoUrl: 'https://videos.example.org/clip.mp4', durationSeconds: 90 } as never,
      ...(published ? { status: 'published' as const } : {}),
    })
  ).documentId;

describe('a second reaction target from config: Video', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('video');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('gets the REST reaction endpoints, embedded tallies and batch tallies', async () => {
    const video = await createVideo(app);
    const draft = await createVideo(app, { published: false, title: 'Unreleased clip' });
    const first = await putReaction(app.url, video, 'wow', {}, 'videos');
    expect(first.status).toBe(201);
    const reader = { token: first.headers['x-reactor-token'] as string };
    const switched = await putReaction(app.url, video, 'love', reader, 'videos');
    expect(switched.status).toBe(200);
    expect(switched.body.data).toMatchObject({ documentId: video, total: 1, mine: 'love' });
    await expectTallyMatchesRows(app.strapi, switched.body.data, video);

    expect((await getTally(app.url, video, reader, 'videos')).body.data.mine).toBe('love');
    expect((await putReaction(app.url, draft, 'like', {}, 'videos')).status).toBe(404);
    // A video's documentId is not an article.
    expect((await getTally(app.url, video, {}, 'articles')).status).toBe(404);

    const list = await request(app.url).get('/api/videos').set('X-Reactor-Token', reader.token);
    expect(list.body.data.find((v: { documentId: string }) => v.documentId === video).reactionTally).toMatchObject({ total: 1, mine: 'love' });
    const one = await request(app.url).get(`/api/videos/${video}`);
    expect(one.body.data.reactionTally.total).toBe(1);

    const article = await createArticle(app.strapi);
    await putReaction(app.url, article, 'sad', reader);
    const batch = await request(app.url).get(`/api/reaction-tallies?documentIds=${video},${article}`).set('X-Reactor-Token', reader.token);
    expect(batch.body.data.map((t: { mine: string }) => t.mine)).toEqual(['love', 'sad']);

    expect((await deleteReaction(app.url, video, reader, 'videos')).body.data.total).toBe(0);
  });

  it('gets Video.reactionTally and react/unreact over GraphQL', async () => {
    const video = await createVideo(app, { title: 'GraphQL clip' });
    const react = await gql(app.url, `mutation { react(documentId: "${video}", kind: funny) { ${TALLY_FIELDS} } }`);
    expect(react.body.errors).toBeUndefined();
    expect(react.body.data.react).toMatchObject({ total: 1, mine: 'funny' });
    const token = react.headers['x-reactor-token'];
    const list = await gql(app.url, `{ videos(filters: { title: { eq: "GraphQL clip" } }) { documentId reactionTally { total mine } } }`, {}, { token });
    expect(list.body.data.videos).toEqual([{ documentId: video, reactionTally: { total: 1, mine: 'funny' } }]);
    const unreact = await gql(app.url, `mutation { unreact(documentId: "${video}") { total mine } }`, {}, { token });
    expect(unreact.body.data.unreact).toEqual({ total: 0, mine: null });
  });

  it('deleting a document in every version removes its reactions and counters', async () => {
    const video = await createVideo(app, { title: 'Clip to delete' });
    await putReaction(app.url, video, 'like', {}, 'videos');
    await app.strapi.documents('api::video.video').delete({ documentId: video });
    expect(await app.strapi.db.connection('reader_reactions').where('target_document_id', video)).toHaveLength(0);
    expect(await app.strapi.db.connection('reader_reaction_counters').where('target_document_id', video)).toHaveLength(0);
  });
});

describe('kinds are one edit in config', () => {
  it('adding, relabelling, reordering and retiring kinds keeps every other count exact', async () => {
    const database = await createTestDatabase('kinds');
    let app = await bootStrapi(database);
    const id = await createArticle(app.strapi);
    const angryReaders = [];
    for (let i = 0; i < 3; i += 1) angryReaders.push({ token: (await putReaction(app.url, id, 'angry')).headers['x-reactor-token'] as string });
    await putReaction(app.url, id, 'like');
    await putReaction(app.url, id, 'like');
    await putReaction(app.url, id, 'wow');
    await app.stop({ keepDatabase: true });

    // The edit a developer makes in config/reactions.ts: retire angry, relabel like, put wow first, add insightful.
    const editedKinds = [
      { kind: 'wow', label: 'Wow', emoji: '😮' },
      { kind: 'like', label: 'Thumbs up', emoji: '👍' },
      { kind: 'dislike', label: 'Dislike', emoji: '👎' },
      { kind: 'love', label: 'Love', emoji: '❤️' },
      { kind: 'funny', label: 'Funny', emoji: '😂' },
      { kind: 'sad', label: 'Sad', emoji: '😢' },
      { kind: 'insightful', label: 'Insightful', emoji: '💡' },
    ];
    app = await bootStrapi(database, { configure: (strapi) => strapi.config.set('plugin::reactions.kinds', editedKinds) });
    try {
      const kinds = await request(app.url).get('/api/reaction-kinds');
      expect(kinds.body.data).toEqual(editedKinds);

      const tally = (await getTally(app.url, id, angryReaders[0])).body.data;
      expect(Object.keys(tally.counts)).toEqual(editedKinds.map((k) => k.kind));
      expect(tally.counts).toEqual({ wow: 1, like: 2, dislike: 0, love: 0, funny: 0, sad: 0, insightful: 0 });
      expect(tally.total).toBe(3);
      expect(tally.mine).toBeNull();

      const refused = await putReaction(app.url, id, 'angry');
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.allowed).toEqual(editedKinds.map((k) => k.kind));

      // A reader whose reaction was retired can react again: the retired row moves to the new kind.
      const moved = await putReaction(app.url, id, 'insightful', angryReaders[0]);
      expect(moved.status).toBe(200);
      expect(moved.body.data).toMatchObject({ total: 4, mine: 'insightful', counts: { insightful: 1, like: 2, wow: 1 } });

      const gqlKinds = await gql(app.url, '{ __type(name: "ReactionKind") { enumValues { name } } }');
      expect(gqlKinds.body.data.__type.enumValues.map((v: { name: string }) => v.name)).toEqual(editedKinds.map((k) => k.kind));
      const counts = await gql(app.url, `{ reactionTallies(documentIds: ["${id}"]) { total counts { insightful like wow } } }`);
      expect(counts.body.data.reactionTallies[0]).toEqual({ total: 4, counts: { insightful: 1, like: 2, wow: 1 } });

      // Retired reactions stay stored, untouched.
      const stored = await app.strapi.db.connection('reader_reactions').where({ target_document_id: id, kind: 'angry' });
      expect(stored).toHaveLength(2);
    } finally {
      await app.stop({ keepDatabase: true });
    }

    // Bringing the kind back brings its stored reactions back.
    app = await bootStrapi(database);
    try {
      const tally = (await getTally(app.url, id)).body.data;
      expect(tally.counts).toMatchObject({ angry: 2, like: 2, wow: 1 });
      expect(tally.total).toBe(5);
    } finally {
      await app.stop();
    }
  });
});

describe('Article stays extensible', () => {
  it('a field added to Article keeps every reaction feature working', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-extended-'));
    const database = await createTestDatabase('extended');
    try {
      for (const entry of ['config', 'src', 'public', 'package.json', 'tsconfig.json']) {
        fs.cpSync(path.join(APP_DIR, entry), path.join(dir, entry), { recursive: true });
      }
      fs.symlinkSync(path.join(APP_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      const schemaFile = path.join(dir, 'src/api/article/content-types/article/schema.json');
      const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
      // What the Content-Type Builder writes for a new short-text field.
      schema.attributes.kicker = { type: 'string', maxLength: 80 };
      fs.writeFileSync(schemaFile, JSON.stringify(schema, null, 2));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { compileStrapi } = require('@strapi/strapi');
      await compileStrapi({ appDir: dir });

      const app = await bootStrapi(database, { appDir: dir });
      try {
        const created = await app.strapi.documents('api::article.article').create({
          data: { title: 'Story with a kicker', kicker: 'EXCLUSIVE' } as never,
          status: 'published',
        });
        const id = created.documentId;
        const put = await putReaction(app.url, id, 'love');
        expect(put.status).toBe(201);
        const one = await request(app.url).get(`/api/articles/${id}`);
        expect(one.body.data).toMatchObject({ kicker: 'EXCLUSIVE', reactionTally: { total: 1 } });
        const list = await request(app.url).get('/api/articles?filters[kicker][$eq]=EXCLUSIVE');
        expect(list.body.data[0].reactionTally.counts.love).toBe(1);
        const graph = await gql(app.url, '{ articles(filters: { kicker: { eq: "EXCLUSIVE" } }) { kicker reactionTally { total } } }');
        expect(graph.body.data.articles).toEqual([{ kicker: 'EXCLUSIVE', reactionTally: { total: 1 } }]);
      } finally {
        await app.stop({ keepDatabase: true });
      }
    } finally {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reaction events', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('events');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('delivers reaction.created, .updated and .deleted to a webhook chosen in the admin API', async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: Record<string, unknown> }> = [];
    const waiters: Array<() => void> = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(raw) });
        res.writeHead(200).end();
        waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/revalidate`;
    const waitFor = async (count: number) => {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    };

    try {
      const superAdmin = await app.strapi.service('admin::role').getSuperAdmin();
      await app.strapi.service('admin::user').create({
        email: 'editor@example.test', firstname: 'Ed', lastname: 'Itor', password: 'Editor-pass-1', isActive: true, roles: [superAdmin.id],
      });
      const login = await request(app.url).post('/admin/login').send({ email: 'editor@example.test', password: 'Editor-pass-1' });
      expect(login.status).toBe(200);
      const adminJwt = login.body.data.token;
      const hook = await request(app.url)
        .post('/admin/webhooks')
        .set('Authorization', `Bearer ${adminJwt}`)
        .send({ name: 'Revalidate article pages', url: hookUrl, headers: {}, events: ['reaction.created', 'reaction.updated', 'reaction.deleted'] });
      expect(hook.status).toBe(201);
      const bogus = await request(app.url)
        .post('/admin/webhooks')
        .set('Authorization', `Bearer ${adminJwt}`)
        .send({ name: 'Bogus', url: hookUrl, headers: {}, events: ['reaction.exploded'] });
      expect(bogus.status).toBe(400);

      const id = await createArticle(app.strapi);
      const created = await putReaction(app.url, id, 'love');
      const reader = { token: created.headers['x-reactor-token'] as string };
      await waitFor(1);
      await putReaction(app.url, id, 'love', reader); // unchanged: no event
      await putReaction(app.url, id, 'wow', reader);
      await waitFor(2);
      await deleteReaction(app.url, id, reader);
      await waitFor(3);

      const events = received.map((r) => r.body);
      expect(events.map((e) => e.event)).toEqual(['reaction.created', 'reaction.updated', 'reaction.deleted']);
      expect(received[0].headers['x-strapi-event']).toBe('reaction.created');
      expect(events[0]).toMatchObject({ target: 'api::article.article', documentId: id, kind: 'love', previousKind: null, tally: { total: 1 } });
      expect(events[1]).toMatchObject({ kind: 'wow', previousKind: 'love', tally: { total: 1, counts: { love: 0, wow: 1 } } });
      expect(events[2]).toMatchObject({ kind: null, previousKind: 'wow', tally: { total: 0 } });
      const text = JSON.stringify(events);
      expect(text).not.toContain(reader.token);
      expect(text).not.toMatch(/readerKey|reader_key|"mine"/);
    } finally {
      server.close();
    }
  });
});
