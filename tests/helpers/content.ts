/**
 * Test content and readers: articles created through Strapi's Document Service, readers that
 * identify themselves exactly as a real client does (JWT from /api/auth/local, or a reactor token).
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import request from 'supertest';

export type Auth = { jwt?: string; token?: string };

export const createArticle = async (
  strapi: Core.Strapi,
  { published = true, title }: { published?: boolean; title?: string } = {}
): Promise<string> => {
  const doc = await strapi.documents('api::article.article').create({
    data: { title: title ?? `Test story ${crypto.randomBytes(3).toString('hex')}`, lead: 'A short lead.' } as never,
    ...(published ? { status: 'published' as const } : {}),
  });
  return doc.documentId;
};

export const createArticles = async (strapi: Core.Strapi, count: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await createArticle(strapi, { title: `Story number ${i + 1}` }));
  return ids;
};

/** Registers a users-permissions user over HTTP and returns its JWT, as a frontend would. */
export const registerUser = async (url: string, name = crypto.randomBytes(4).toString('hex')) => {
  const res = await request(url)
    .post('/api/auth/local/register')
    .send({ username: `reader_${name}`, email: `reader_${name}@example.test`, password: 'Sup3r-secret-pass' });
  if (res.status !== 200) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { jwt: res.body.jwt as string, user: res.body.user as { id: number; email: string; username: string } };
};

export const withAuth = (test: request.Test, auth: Auth = {}) => {
  if (auth.jwt) test.set('Authorization', `Bearer ${auth.jwt}`);
  if (auth.token) test.set('X-Reactor-Token', auth.token);
  return test;
};

export const putReaction = (url: string, documentId: string, kind: unknown, auth: Auth = {}, path = 'articles') =>
  withAuth(request(url).put(`/api/${path}/${documentId}/reactions`).send({ data: { kind } }), auth);

export const deleteReaction = (url: string, documentId: string, auth: Auth = {}, path = 'articles') =>
  withAuth(request(url).delete(`/api/${path}/${documentId}/reactions`), auth);

export const getTally = (url: string, documentId: string, auth: Auth = {}, path = 'articles') =>
  withAuth(request(url).get(`/api/${path}/${documentId}/reactions`), auth);

/** A new anonymous reader: the server issues its token on the first write. */
export const newAnonymousReader = async (url: string, documentId: string, kind = 'like'): Promise<Auth> => {
  const res = await putReaction(url, documentId, kind);
  if (res.status !== 201) throw new Error(`first write failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.headers['x-reactor-token'] as string };
};

/** The stored reaction rows of a document, straight from the database. */
export const storedRows = async (strapi: Core.Strapi, documentId: string) =>
  strapi.db.connection('reader_reactions').select('kind', 'reader_key').where('target_document_id', documentId);

/** Asserts the contract's rule 3: total = sum of counts = number of stored rows, per kind too. */
export const expectTallyMatchesRows = async (strapi: Core.Strapi, tally: { total: number; counts: Record<string, number> }, documentId: string) => {
  const rows = await storedRows(strapi, documentId);
  const byKind: Record<string, number> = {};
  for (const row of rows) byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
  const sum = Object.values(tally.counts).reduce((a, b) => a + b, 0);
  expect(tally.total).toBe(sum);
  expect(tally.total).toBe(rows.length);
  for (const [kind, count] of Object.entries(tally.counts)) expect(count).toBe(byKind[kind] ?? 0);
};

/** Counts SQL statements Knex sends while `work` runs (only those matching `only`, when given). */
export const countQueries = async (strapi: Core.Strapi, work: () => Promise<unknown>, only?: RegExp): Promise<number> => {
  let count = 0;
  const listener = (query: { sql?: string }) => {
    if (!only || only.test(String(query.sql))) count += 1;
  };
  strapi.db.connection.on('query', listener);
  try {
    await work();
  } finally {
    strapi.db.connection.removeListener('query', listener);
  }
  return count;
};

/**
 * Runs `work` with the reactions plugin's clock held still, then gives the clock back. Query
 * counts use it: the public role's kept permissions are re-read once their TTL on that clock has
 * passed, and such a refresh is not the work being measured.
 */
export const withClockHeld = async <T>(strapi: Core.Strapi, work: () => Promise<T>): Promise<T> => {
  const clock = strapi.plugin('reactions').service('clock') as { now: () => Date; use: (source: (() => Date) | null) => void };
  const previous = clock.now;
  const held = previous();
  clock.use(() => held);
  try {
    return await work();
  } finally {
    clock.use(previous);
  }
};

/**
 * Resolves once the reactions change feed has delivered everything announced before the call.
 * On PostgreSQL this instance hears its own writes back through LISTEN, asynchronously, and each
 * one drops the tally it names from the cache again: a test that checks what the cache holds
 * waits for those echoes first. A marker change goes out and the feed delivers in order.
 */
export const settleChangeFeed = (strapi: Core.Strapi): Promise<void> => {
  const changes = strapi.plugin('reactions').service('changes') as {
    announce: (targetUid: string, documentId: string) => Promise<void>;
    subscribe: (listener: (change: { documentId: string }) => void) => () => void;
  };
  const marker = `settle-${crypto.randomBytes(6).toString('hex')}`;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error('the change feed did not deliver its marker within 10 s'));
    }, 10000);
    const unsubscribe = changes.subscribe((change) => {
      if (change.documentId !== marker) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
    changes.announce('api::article.article', marker).catch(reject);
  });
};
