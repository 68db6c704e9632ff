/**
 * @jest-environment ./tests/helpers/real-process-environment.js
 *
 * Reaction events follow commits (API.md, third round, "Reader trust"): each write emits its
 * event once, after its row is committed; a listener that throws or rejects is logged and the
 * server keeps serving; a rolled-back delete, single or bulk, sends nothing; the Content
 * Manager's bulk delete removes its reactions in one go and announces them after commit.
 * Waits are promises on the deliveries themselves, never timers.
 */
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticle, deleteReaction, getTally, putReaction, settleChangeFeed, storedRows, type Auth } from './helpers/content';
import { REACTION_EVENTS, REACTION_UID } from '../src/plugins/reactions/shared/contract';

/** The real process (see the environment above): Node reports unhandled rejections there only. */
declare const realProcess: NodeJS.Process;

const ARTICLE_UID = 'api::article.article';
const EVENT_NAMES = [REACTION_EVENTS.created, REACTION_EVENTS.updated, REACTION_EVENTS.deleted];

type Payload = { target: string; documentId: string; kind: string | null; previousKind: string | null; tally: { total: number } };
/**
 * What a listener saw: the event, whether it was called inside an open transaction, and the rows
 * it then read (recorded when called, so the list keeps delivery order whatever the reads take).
 */
type Seen = { event: string; payload: Payload; inTransaction: boolean; kinds: Promise<string[]> };
type ChangeSeen = { documentId: string; inTransaction: boolean; rows: Promise<number> };

type ChangesService = {
  subscribe: (listener: (change: { targetUid: string; documentId: string }) => void) => () => void;
};
type DocumentManager = { deleteMany: (documentIds: string[], uid: string, opts?: object) => Promise<{ count: number }> };

/** A list that wakes whoever waits for an entry matching a test. */
const watchedList = <T>() => {
  const items: T[] = [];
  let waiters: Array<() => void> = [];
  return {
    items,
    push(item: T) {
      items.push(item);
      const woken = waiters;
      waiters = [];
      woken.forEach((wake) => wake());
    },
    async waitFor(test: (items: T[]) => boolean): Promise<void> {
      while (!test(items)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
};

let app: TestApp;
const seen = watchedList<Seen>();
const changes = watchedList<ChangeSeen>();
const errorLines = watchedList<string>();
const rejections = watchedList<unknown>();
const onUnhandled = (reason: unknown) => rejections.push(reason);
let adminJwt = '';

const eventsFor = (documentId: string) => seen.items.filter((entry) => entry.payload.documentId === documentId);
/** The rows each event's listener read for this document, once `count` events have come. */
const kindsSeen = async (documentId: string, count: number) => {
  await seen.waitFor(() => eventsFor(documentId).length >= count);
  return Promise.all(eventsFor(documentId).map((entry) => entry.kinds));
};
const rowsOf = async (documentId: string) => (await storedRows(app.strapi, documentId)).map((row: { kind: string }) => row.kind);
const reactionDocumentIds = async (articleId: string): Promise<string[]> =>
  (await app.strapi.db.query(REACTION_UID).findMany({ where: { targetDocumentId: articleId } })).map((row: { documentId: string }) => row.documentId);

/** Readers reacting to one article; resolves once each write's event has been seen. */
const react = async (articleId: string, kinds: string[]): Promise<Auth[]> => {
  const readers: Auth[] = [];
  for (const kind of kinds) {
    const res = await putReaction(app.url, articleId, kind);
    expect(res.status).toBe(201);
    readers.push({ token: res.headers['x-reactor-token'] as string });
  }
  await seen.waitFor(() => eventsFor(articleId).length >= kinds.length);
  return readers;
};

beforeAll(async () => {
  realProcess.on('unhandledRejection', onUnhandled);
  app = await startTestApp('events-after-commit');
  for (const event of EVENT_NAMES) {
    app.strapi.eventHub.on(event, async (payload: Payload) => {
      // Asked in the emitter's context: an event sent before commit sees the open transaction.
      const kinds = rowsOf(payload.documentId);
      seen.push({ event, payload, inTransaction: app.strapi.db.inTransaction(), kinds });
      await kinds;
    });
  }
  (app.strapi.plugin('reactions').service('changes') as ChangesService).subscribe((change) => {
    const rows = storedRows(app.strapi, change.documentId).then((found) => found.length);
    changes.push({ documentId: change.documentId, inTransaction: app.strapi.db.inTransaction(), rows });
  });
  jest.spyOn(app.strapi.log, 'error').mockImplementation((...args: unknown[]) => {
    errorLines.push(args.map((arg) => (arg instanceof Error ? arg.stack ?? arg.message : String(arg))).join(' '));
    return app.strapi.log;
  });

  const superAdmin = await app.strapi.service('admin::role').getSuperAdmin();
  await app.strapi.service('admin::user').create({
    email: 'moderator@example.test', firstname: 'Mo', lastname: 'Derator', password: 'Moderator-pass-1', isActive: true, roles: [superAdmin.id],
  });
  const login = await request(app.url).post('/admin/login').send({ email: 'moderator@example.test', password: 'Moderator-pass-1' });
  expect(login.status).toBe(200);
  adminJwt = login.body.data.token as string;
});

afterAll(async () => {
  realProcess.off('unhandledRejection', onUnhandled);
  await app?.stop();
});

afterEach(() => {
  expect(rejections.items.splice(0).map(String)).toEqual([]);
});

describe('reaction events', () => {
  it('go out once per write, after the write is committed', async () => {
    const id = await createArticle(app.strapi);
    // Each listener reads the rows before the next write, so it sees its own write's.
    const created = await putReaction(app.url, id, 'love');
    expect(created.status).toBe(201);
    expect(await kindsSeen(id, 1)).toEqual([['love']]);
    const reader = { token: created.headers['x-reactor-token'] as string };
    expect((await putReaction(app.url, id, 'love', reader)).status).toBe(200); // unchanged: no event
    expect((await putReaction(app.url, id, 'wow', reader)).status).toBe(200);
    expect(await kindsSeen(id, 2)).toEqual([['love'], ['wow']]);
    expect((await deleteReaction(app.url, id, reader)).status).toBe(200);
    expect(await kindsSeen(id, 3)).toEqual([['love'], ['wow'], []]);
    // A later write's event: everything sent for the first article has arrived before it.
    const later = await createArticle(app.strapi);
    await react(later, ['like']);

    expect(eventsFor(id).map((entry) => entry.event)).toEqual([REACTION_EVENTS.created, REACTION_EVENTS.updated, REACTION_EVENTS.deleted]);
    expect(eventsFor(id).every((entry) => !entry.inTransaction)).toBe(true);
    expect(eventsFor(later)).toHaveLength(1);
  });

  it.each([
    ['a throwing listener', (() => {
      throw new Error('listener exploded (sync)');
    }) as unknown as () => Promise<void>, 'listener exploded (sync)'],
    ['a rejecting listener', async () => {
      throw new Error('listener exploded (async)');
    }, 'listener exploded (async)'],
  ])('%s is logged without reader data, and the next request is served', async (_name, listener, message) => {
    const off = app.strapi.eventHub.on(REACTION_EVENTS.created, listener);
    try {
      const id = await createArticle(app.strapi);
      const res = await putReaction(app.url, id, 'sad');
      expect(res.status).toBe(201);
      const token = res.headers['x-reactor-token'] as string;
      // Either the plugin logs the failure, or it escapes as an unhandled rejection (the defect).
      await Promise.race([
        errorLines.waitFor((lines) => lines.some((line) => line.includes(message))),
        rejections.waitFor((items) => items.length > 0),
      ]);
      expect(rejections.items.map(String)).toEqual([]);
      const line = errorLines.items.find((entry) => entry.includes(message)) as string;
      expect(line).toContain(REACTION_EVENTS.created);
      expect(line).not.toContain(token);
      expect(line).not.toContain('127.0.0.1');
      expect(line).not.toMatch(/reader_key|readerKey|@example/);

      const next = await putReaction(app.url, await createArticle(app.strapi), 'funny');
      expect(next.status).toBe(201);
      expect((await putReaction(app.url, id, 'wow', { token })).status).toBe(200);
    } finally {
      off();
    }
  });

  it('a rolled-back delete, single or bulk, of reactions or of articles sends nothing', async () => {
    const id = await createArticle(app.strapi);
    await react(id, ['like', 'love', 'wow']);
    const doomed = await createArticle(app.strapi);
    await react(doomed, ['angry']);
    const reactionIds = await reactionDocumentIds(id);
    const documentManager = app.strapi.plugin('content-manager').service('document-manager') as DocumentManager;
    // On PostgreSQL the feed echoes those writes back through LISTEN: let them land first.
    await settleChangeFeed(app.strapi);
    const eventsBefore = seen.items.length;
    const changesBefore = changes.items.length;

    await expect(
      app.strapi.db.transaction(async () => {
        await app.strapi.documents(REACTION_UID).delete({ documentId: reactionIds[0] });
        throw new Error('editor cancelled');
      })
    ).rejects.toThrow('editor cancelled');
    await expect(
      app.strapi.db.transaction(async () => {
        await documentManager.deleteMany(reactionIds, REACTION_UID);
        throw new Error('editor cancelled');
      })
    ).rejects.toThrow('editor cancelled');
    await expect(
      app.strapi.db.transaction(async () => {
        await documentManager.deleteMany([doomed], ARTICLE_UID);
        throw new Error('editor cancelled');
      })
    ).rejects.toThrow('editor cancelled');

    expect(await rowsOf(id)).toHaveLength(3);
    expect((await getTally(app.url, id)).body.data.total).toBe(3);
    expect((await getTally(app.url, doomed)).body.data.total).toBe(1);
    // Later deliveries: whatever the rolled-back work sent would have arrived before them.
    const marker = await createArticle(app.strapi);
    await react(marker, ['like']);
    await settleChangeFeed(app.strapi);
    expect(seen.items.slice(eventsBefore).map((entry) => entry.payload.documentId)).toEqual([marker]);
    expect(changes.items.slice(changesBefore).filter((change) => change.documentId === id || change.documentId === doomed)).toEqual([]);
  });

  it('a Content Manager bulk delete of reactions removes them at once and announces each after commit', async () => {
    const first = await createArticle(app.strapi);
    const second = await createArticle(app.strapi);
    await react(first, ['like', 'love', 'sad']);
    await react(second, ['wow']);
    const ids = [...(await reactionDocumentIds(first)), ...(await reactionDocumentIds(second))];
    const rules = app.strapi.plugin('reactions').service('rules') as { removeByIds: (ids: number[]) => Promise<number> };
    const removals = jest.spyOn(rules, 'removeByIds');
    const before = seen.items.length;
    try {
      const res = await request(app.url)
        .post(`/content-manager/collection-types/${REACTION_UID}/actions/bulkDelete`)
        .set('Authorization', `Bearer ${adminJwt}`)
        .send({ documentIds: ids });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ count: 4 });
      await seen.waitFor((items) => items.length >= before + 4);
      expect(removals).toHaveBeenCalledTimes(1);
      expect((removals.mock.calls[0][0] as number[]).length).toBe(4);
    } finally {
      removals.mockRestore();
    }
    const events = seen.items.slice(before);
    expect(events.map((entry) => entry.event)).toEqual(Array(4).fill(REACTION_EVENTS.deleted));
    expect(events.map((entry) => entry.payload.documentId).sort()).toEqual([first, first, first, second].sort());
    expect(events.every((entry) => !entry.inTransaction && entry.payload.tally.total === 0)).toBe(true);
    expect(await Promise.all(events.map((entry) => entry.kinds))).toEqual(Array(4).fill([]));
    expect((await getTally(app.url, first)).body.data.total).toBe(0);
  });

  it('a Content Manager bulk delete of articles tells the change feed after commit', async () => {
    const first = await createArticle(app.strapi);
    const second = await createArticle(app.strapi);
    await react(first, ['like', 'love']);
    await react(second, ['wow']);
    await settleChangeFeed(app.strapi);
    const before = changes.items.length;
    const res = await request(app.url)
      .post(`/content-manager/collection-types/${ARTICLE_UID}/actions/bulkDelete`)
      .set('Authorization', `Bearer ${adminJwt}`)
      .send({ documentIds: [first, second] });
    expect(res.status).toBe(200);
    const ofDeleted = () => changes.items.slice(before).filter((change) => change.documentId === first || change.documentId === second);
    await changes.waitFor(() => new Set(ofDeleted().map((change) => change.documentId)).size === 2);
    expect(ofDeleted().every((change) => !change.inTransaction)).toBe(true);
    expect(await Promise.all(ofDeleted().map((change) => change.rows))).toEqual(ofDeleted().map(() => 0));
  });

  it('an editor’s settings change is announced once, after commit', async () => {
    const id = await createArticle(app.strapi);
    const settingsSeen = watchedList<{ documentId: string; inTransaction: boolean }>();
    const off = app.strapi.eventHub.on(REACTION_EVENTS.settingsUpdated, async (payload: { documentId: string }) => {
      settingsSeen.push({ documentId: payload.documentId, inTransaction: app.strapi.db.inTransaction() });
    });
    try {
      const res = await request(app.url)
        .put(`/reactions/settings/${ARTICLE_UID}/${id}`)
        .set('Authorization', `Bearer ${adminJwt}`)
        .send({ data: { closed: true, kinds: ['like'] } });
      expect(res.status).toBe(200);
      const marker = await createArticle(app.strapi);
      await request(app.url).put(`/reactions/settings/${ARTICLE_UID}/${marker}`).set('Authorization', `Bearer ${adminJwt}`).send({ data: { closed: false, kinds: ['like'] } });
      await settingsSeen.waitFor((items) => items.some((item) => item.documentId === marker));
      expect(settingsSeen.items).toEqual([
        { documentId: id, inTransaction: false },
        { documentId: marker, inTransaction: false },
      ]);
    } finally {
      off();
    }
  });
});
