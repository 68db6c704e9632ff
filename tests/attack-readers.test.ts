/**
 * Attacks on reader identity against production server processes: minting anonymous readers
 * without bound from one address (IPv4, or many addresses of one IPv6 /64), and fishing reader
 * keys or tokens out of the logs. Plus the operator's side of identity: rotating the token secret
 * forgets no reader.
 */
import crypto from 'crypto';
import request from 'supertest';
import { createArticle, registerUser } from './helpers/content';
import { isPostgres } from './helpers/database';
import { startServerProcess, type ServerProcess } from './helpers/server-process';
import { startSeededServer, type SeededServer } from './helpers/seeded-server';
import { TEST_ENV } from './helpers/strapi';

const NEW_READERS = 3;

describe('new readers per address', () => {
  let target: SeededServer<{ ids: string[] }>;
  beforeAll(async () => {
    target = await startSeededServer(
      'new-readers',
      async (strapi) => ({ ids: [await createArticle(strapi), await createArticle(strapi)] }),
      { REACTIONS_NEW_READERS_PER_ADDRESS: String(NEW_READERS), REACTIONS_RATE_LIMIT: '0', TRUST_PROXY: '1' }
    );
  });
  afterAll(async () => {
    await target?.stop();
  });

  const write = (documentId: string, headers: Record<string, string> = {}) =>
    request(target.server.url).put(`/api/articles/${documentId}/reactions`).set(headers).send({ data: { kind: 'wow' } });

  it('lets one address create a bounded number of anonymous readers, then answers 429 with Retry-After', async () => {
    const [id, other] = target.seeded.ids;
    const from = { 'X-Forwarded-For': '198.51.100.20' };
    const tokens: string[] = [];
    for (let i = 0; i < NEW_READERS; i += 1) {
      const res = await write(id, from);
      expect(res.status).toBe(201);
      tokens.push(res.headers['x-reactor-token']);
    }
    const refused = await write(id, from);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error.name).toBe('RateLimitError');
    expect(refused.headers['x-reactor-token']).toBeUndefined();
    expect(refused.headers['set-cookie']).toBeUndefined();
    // Readers it already has keep writing; another address may still create readers.
    expect((await write(other, { ...from, 'X-Reactor-Token': tokens[0] })).status).toBe(201);
    expect((await write(id, { 'X-Forwarded-For': '198.51.100.21' })).status).toBe(201);
    expect((await request(target.server.url).get(`/api/articles/${id}/reactions`)).body.data.total).toBe(NEW_READERS + 1);
  });

  it('counts an IPv6 /64 as one address', async () => {
    const [id] = target.seeded.ids;
    for (let i = 0; i < NEW_READERS; i += 1) {
      expect((await write(id, { 'X-Forwarded-For': `2001:db8:77:1:${i + 1}::${i + 7}` })).status).toBe(201);
    }
    expect((await write(id, { 'X-Forwarded-For': '2001:db8:77:1:ffff:ffff:ffff:fff0' })).status).toBe(429);
    expect((await write(id, { 'X-Forwarded-For': '2001:db8:77:2::1' })).status).toBe(201);
  });
});

/** How the server stores a reader (a keyed hash), recomputed here to look for it in the logs. */
const readerKeyOf = (token: string, secret: string) => {
  const key = crypto.createHash('sha256').update(`reactor-token-secret:${secret}`).digest();
  return crypto.createHmac('sha256', key).update(`reader:anon:${token.split('.')[0]}`).digest('base64url');
};

describe('logs', () => {
  let target: SeededServer<{ ok: string; trapped: string }>;
  afterAll(async () => {
    await target?.stop();
  });

  it('never carry a reader key or token, even when the database quotes the failing row', async () => {
    target = await startSeededServer('log-trap', async (strapi) => {
      const ok = await createArticle(strapi);
      const trapped = await createArticle(strapi);
      // A database that fails a write and quotes the reader key in its message.
      const db = strapi.db.connection;
      if (isPostgres()) {
        await db.raw(`CREATE FUNCTION trap() RETURNS trigger AS $$ BEGIN
          IF NEW.target_document_id = '${trapped}' THEN RAISE EXCEPTION 'refused row for %', NEW.reader_key; END IF;
          RETURN NEW; END $$ LANGUAGE plpgsql`);
        await db.raw('CREATE TRIGGER trap BEFORE INSERT ON reader_reactions FOR EACH ROW EXECUTE FUNCTION trap()');
      } else {
        await db.raw(`CREATE TRIGGER trap BEFORE INSERT ON reader_reactions WHEN NEW.target_document_id = '${trapped}'
          BEGIN SELECT RAISE(ABORT, 'refused row for ' || NEW.reader_key); END`);
      }
      return { ok, trapped };
    }, { LOG_LEVEL: 'info' });
    const { url, output } = target.server;
    const first = await request(url).put(`/api/articles/${target.seeded.ok}/reactions`).send({ data: { kind: 'like' } });
    expect(first.status).toBe(201);
    const token = first.headers['x-reactor-token'] as string;
    const failed = await request(url)
      .put(`/api/articles/${target.seeded.trapped}/reactions`)
      .set('X-Reactor-Token', token)
      .send({ data: { kind: 'like' } });
    // A broken database is the server's fault, not the client's: 500, in the envelope, saying nothing.
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain('refused row');
    const key = readerKeyOf(token, TEST_ENV.APP_KEYS);
    const log = output();
    expect(log).toContain('refused row for [reader]');
    expect(log).not.toContain(key);
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[0]);
  });
});

describe('token secret rotation', () => {
  const servers: ServerProcess[] = [];
  let target: SeededServer<{ id: string }>;
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await target?.stop();
  });

  const serve = async (secret: string) => {
    const server = await startServerProcess({ ...target.database.env, REACTOR_TOKEN_SECRET: secret });
    servers.push(server);
    return server;
  };

  it('keeps every reader when a new secret is put first, and refuses tokens of a dropped secret', async () => {
    target = await startSeededServer('rotation', async (strapi) => ({ id: await createArticle(strapi) }), {
      REACTOR_TOKEN_SECRET: 'first-secret-aaaaaaaaaaaaaaaa',
    });
    const { id } = target.seeded;
    const before = target.server.url;
    const anonymous = (await request(before).put(`/api/articles/${id}/reactions`).send({ data: { kind: 'sad' } })).headers[
      'x-reactor-token'
    ] as string;
    const { jwt } = await registerUser(before);
    expect((await request(before).put(`/api/articles/${id}/reactions`).set('Authorization', `Bearer ${jwt}`).send({ data: { kind: 'wow' } })).status).toBe(201);
    await target.server.stop();

    const rotated = await serve('second-secret-bbbbbbbbbbbbbbbb,first-secret-aaaaaaaaaaaaaaaa');
    const asAnonymous = await request(rotated.url).get(`/api/articles/${id}/reactions`).set('X-Reactor-Token', anonymous);
    expect(asAnonymous.body.data).toMatchObject({ total: 2, mine: 'sad' });
    const asUser = await request(rotated.url).get(`/api/articles/${id}/reactions`).set('Authorization', `Bearer ${jwt}`);
    expect(asUser.body.data.mine).toBe('wow');
    // Writing again moves the reader's one reaction rather than adding a second.
    const moved = await request(rotated.url).put(`/api/articles/${id}/reactions`).set('X-Reactor-Token', anonymous).send({ data: { kind: 'love' } });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ total: 2, mine: 'love' });
    const fresh = (await request(rotated.url).put(`/api/articles/${id}/reactions`).send({ data: { kind: 'like' } })).headers[
      'x-reactor-token'
    ] as string;
    expect((await request(rotated.url).get(`/api/articles/${id}/reactions`).set('X-Reactor-Token', fresh)).body.data.mine).toBe('like');
    await rotated.stop();

    const retired = await serve('second-secret-bbbbbbbbbbbbbbbb');
    expect((await request(retired.url).get(`/api/articles/${id}/reactions`).set('X-Reactor-Token', anonymous)).status).toBe(401);
    expect((await request(retired.url).get(`/api/articles/${id}/reactions`).set('X-Reactor-Token', fresh)).body.data).toMatchObject({
      total: 3,
      mine: 'like',
    });
  });
});
