/**
 * Reliability on the real thing: Strapi as separate processes on one database. A SIGKILL in the
 * middle of a burst loses no acknowledged reaction; two instances taking the same readers at
 * once keep tallies exact; the reconciliation command proves counts equal rows and repairs drift.
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { startServerProcess, type ServerProcess } from './helpers/server-process';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { startTestApp, APP_DIR, TEST_ENV } from './helpers/strapi';
import { createArticle, putReaction, expectTallyMatchesRows, getTally } from './helpers/content';
import { DEFAULT_REACTION_KINDS } from '../src/plugins/reactions/client/reactions';

const KINDS: string[] = [...DEFAULT_REACTION_KINDS];

const runReconcile = (database: TestDatabase, args: string[] = []) =>
  spawnSync(process.execPath, [path.join(APP_DIR, 'scripts/reconcile.js'), ...args], {
    cwd: APP_DIR,
    env: { ...process.env, ...TEST_ENV, ...database.env },
    encoding: 'utf8',
  });

const publishedArticleIds = async (url: string): Promise<string[]> => {
  const res = await fetch(`${url}/api/articles?fields[0]=title&pagination[pageSize]=100`);
  const body = (await res.json()) as { data: Array<{ documentId: string }> };
  return body.data.map((a) => a.documentId);
};

type Ack = { token: string; documentId: string; kind: string };

/** Runs `total` jobs with at most `concurrency` in flight; stops starting new ones once `stop()` is true. */
const pool = async (total: number, concurrency: number, job: (i: number) => Promise<void>, stop: () => boolean) => {
  let next = 0;
  const worker = async () => {
    while (next < total && !stop()) {
      const i = next;
      next += 1;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

describe('crash during a burst of writes', () => {
  let database: TestDatabase;
  let server: ServerProcess | null = null;
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('keeps every acknowledged reaction after SIGKILL and restart, with tallies equal to rows', async () => {
    database = await createTestDatabase('crash');
    server = await startServerProcess({ ...database.env, SEED_SAMPLE_CONTENT: 'true' });
    const articles = await publishedArticleIds(server.url);
    expect(articles.length).toBeGreaterThanOrEqual(5);

    const acked: Ack[] = [];
    let killed = false;
    const url = server.url;
    const victim = server;
    await pool(
      2000,
      16,
      async (i) => {
        const documentId = articles[i % articles.length];
        const kind = KINDS[i % KINDS.length];
        try {
          const res = await fetch(`${url}/api/articles/${documentId}/reactions`, {
            method: 'PUT',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ data: { kind } }),
          });
          if (res.status === 201) acked.push({ token: res.headers.get('x-reactor-token') as string, documentId, kind });
        } catch {
          // The connection died with the server: not acknowledged, so nothing is promised.
        }
        if (!killed && acked.length >= 150) {
          killed = true;
          await victim.kill();
        }
      },
      () => killed
    );
    expect(killed).toBe(true);

    server = await startServerProcess(database.env);
    for (const ack of acked) {
      const res = await fetch(`${server.url}/api/articles/${ack.documentId}/reactions`, { headers: { 'X-Reactor-Token': ack.token } });
      const body = (await res.json()) as { data: { mine: string } };
      expect(body.data.mine).toBe(ack.kind);
    }
    await server.stop();
    server = null;

    const check = runReconcile(database, ['--check']);
    expect(check.stdout).toContain('Counters equal rows.');
    expect(check.status).toBe(0);
  });
});

describe('two instances on one database', () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await database?.drop();
  });

  it('take the same readers and articles at once and keep tallies exact, with no duplicate rows', async () => {
    database = await createTestDatabase('instances');
    const first = await startServerProcess({ ...database.env, SEED_SAMPLE_CONTENT: 'true' });
    servers.push(first);
    const second = await startServerProcess(database.env);
    servers.push(second);
    const articles = (await publishedArticleIds(first.url)).slice(0, 3);

    // Readers are minted by one instance and used on both: the token secret is shared config.
    const readers: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const res = await fetch(`${first.url}/api/articles/${articles[0]}/reactions`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { kind: 'like' } }),
      });
      readers.push(res.headers.get('x-reactor-token') as string);
    }

    const requests: Array<Promise<number>> = [];
    readers.forEach((token, r) => {
      articles.forEach((documentId, a) => {
        for (let round = 0; round < 3; round += 1) {
          const server = servers[(r + a + round) % 2];
          const remove = (r + round) % 5 === 4;
          requests.push(
            fetch(`${server.url}/api/articles/${documentId}/reactions`, {
              method: remove ? 'DELETE' : 'PUT',
              headers: { 'Content-Type': 'application/json', 'X-Reactor-Token': token },
              body: remove ? undefined : JSON.stringify({ data: { kind: KINDS[(r * 3 + a + round) % KINDS.length] } }),
            }).then((res) => res.status)
          );
        }
      });
    });
    const statuses = await Promise.all(requests);
    expect(statuses.filter((status) => status >= 300)).toEqual([]);

    for (const documentId of articles) {
      const viaFirst = (await (await fetch(`${first.url}/api/articles/${documentId}/reactions`)).json()) as { data: { total: number } };
      const viaSecond = (await (await fetch(`${second.url}/api/articles/${documentId}/reactions`)).json()) as { data: { total: number } };
      expect(viaSecond.data).toEqual(viaFirst.data);
    }
    for (const server of servers) await server.stop();
    servers = [];

    const check = runReconcile(database, ['--check']);
    expect(check.stdout).toContain('Counters equal rows.');
    expect(check.status).toBe(0);
  });
});

describe('reconciliation', () => {
  it('finds counter drift, repairs it, and then finds none', async () => {
    const app = await startTestApp('reconcile');
    try {
      const id = await createArticle(app.strapi);
      for (const kind of ['like', 'like', 'sad']) await putReaction(app.url, id, kind);
      // Simulate drift: a counter edited behind the service's back.
      await app.strapi.db.connection('reader_reaction_counters').where({ target_document_id: id, kind: 'like' }).update({ count: 7 });
      // (On PostgreSQL a write keeps every kind's counter row of its document, at zero for 'wow'.)
      await app.strapi.db
        .connection('reader_reaction_counters')
        .insert({ target_type: 'api::article.article', target_document_id: id, kind: 'wow', count: 2 })
        .onConflict(['target_type', 'target_document_id', 'kind'])
        .merge({ count: 2 });
      const service = app.strapi.plugin('reactions').service('maintenance');
      const found = await service.reconcile({ repair: false });
      expect(found).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ documentId: id, kind: 'like', counted: 2, stored: 7 }),
          expect.objectContaining({ documentId: id, kind: 'wow', counted: 0, stored: 2 }),
        ])
      );
      expect(await service.reconcile()).toHaveLength(2);
      expect(await service.reconcile()).toEqual([]);
      const tally = (await getTally(app.url, id)).body.data;
      expect(tally.counts).toMatchObject({ like: 2, sad: 1, wow: 0 });
      await expectTallyMatchesRows(app.strapi, tally, id);
    } finally {
      await app.stop();
    }
  });
});
