/**
 * Integrity under attack, at the edge of the app: who the client is behind proxies (TRUST_PROXY),
 * which origins may send cookies (CORS_ORIGINS), which answers shared caches may keep, and that a
 * production start refuses to run on secrets nobody gave it.
 *
 * Proxies, CORS and caching are checked on real `strapi start` processes (production mode, the
 * compiled build); the configuration and `.env` rules also directly, where they are plain functions.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import Koa from 'koa';
import request from 'supertest';
import type { Core } from '@strapi/strapi';
import { startServerProcess, type ServerProcess } from './helpers/server-process';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { APP_DIR, TEST_ENV } from './helpers/strapi';
import privateResponses from '../src/middlewares/private-responses';
import serverConfig from '../config/server';
import middlewaresConfig from '../config/middlewares';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEnv } = require('../scripts/ensure-env') as {
  ensureEnv: (directory: string, env: Record<string, string | undefined>) => { created: boolean; added: string[]; missing: string[] };
};

const SECRETS = ['APP_KEYS', 'API_TOKEN_SALT', 'ADMIN_JWT_SECRET', 'JWT_SECRET', 'TRANSFER_TOKEN_SALT', 'ENCRYPTION_KEY'];
const STRAPI_BIN = path.join(APP_DIR, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js');
const ENSURE_ENV = path.join(APP_DIR, 'scripts', 'ensure-env.js');
const IDENTITY_VARY = ['authorization', 'cookie', 'x-reactor-token'];

type Booted = { server: ServerProcess; database: TestDatabase; articles: string[] };

/** A production server process on a fresh database with the sample content. */
const boot = async (label: string, env: Record<string, string>): Promise<Booted> => {
  const database = await createTestDatabase(label);
  // Only the limit under test: the new-readers bound stays off so the figures below are the write limit's.
  const server = await startServerProcess({ ...database.env, SEED_SAMPLE_CONTENT: 'true', REACTIONS_NEW_READERS_PER_ADDRESS: '0', ...env });
  const list = await request(server.url).get('/api/articles').query({ 'fields[0]': 'title' });
  const articles = (list.body.data as Array<{ documentId: string }>).map((article) => article.documentId);
  expect(articles.length).toBeGreaterThanOrEqual(2);
  return { server, database, articles };
};

const shutdown = async (booted: Booted | undefined) => {
  await booted?.server.stop();
  await booted?.database.drop();
};

const react = (url: string, documentId: string, headers: Record<string, string> = {}, kind = 'like') =>
  request(url).put(`/api/articles/${documentId}/reactions`).set(headers).send({ data: { kind } });

const reactorCookie = (res: request.Response): string | undefined => {
  const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith('reactor_token='));
};

const varyOf = (res: request.Response): string[] =>
  String(res.headers.vary ?? '')
    .split(',')
    .map((field) => field.trim().toLowerCase())
    .filter(Boolean);

/** The contract's caching rule for a personal answer. */
const expectPrivate = (res: request.Response, label: string) => {
  const cacheControl = String(res.headers['cache-control'] ?? '');
  expect([label, /\b(private|no-store)\b/.test(cacheControl) && !/\bpublic\b/.test(cacheControl)]).toEqual([label, true]);
  expect([label, varyOf(res)]).toEqual([label, expect.arrayContaining(IDENTITY_VARY)]);
};

type ConfigEnv = Core.Config.Shared.ConfigParams['env'];

/** Strapi's `env` helper over a fixed set of variables. */
// Only the helpers config/server.ts uses, over fixed values instead of process.env.
const envOf = (values: Record<string, string>): ConfigEnv =>
  Object.assign((key: string, fallback?: string) => values[key] ?? (fallback as string), {
    int: (key: string, fallback?: number) => (values[key] === undefined ? (fallback as number) : parseInt(values[key], 10)),
    bool: (key: string, fallback?: boolean) => (values[key] === undefined ? (fallback as boolean) : values[key] === 'true'),
    array: (key: string, fallback?: string[]) => (values[key] === undefined ? (fallback as string[]) : values[key].split(',')),
  }) as unknown as ConfigEnv;

const withSecrets = (values: Record<string, string> = {}) => ({ ...Object.fromEntries(SECRETS.map((key) => [key, TEST_ENV[key]])), ...values });

describe('behind one trusted proxy (TRUST_PROXY=1)', () => {
  let booted: Booted;
  beforeAll(async () => {
    booted = await boot('edge-proxy', { TRUST_PROXY: '1', REACTIONS_RATE_LIMIT: '2' });
  });
  afterAll(() => shutdown(booted));

  it('counts the address the proxy saw, not the ones the client wrote in front of it', async () => {
    const { url } = booted.server;
    const [documentId] = booted.articles;
    // Rate 2 a minute per reader, so 20 per address. Each write is a new (tokenless) reader and
    // claims a different left-most address; the proxy appended the one it saw: 203.0.113.7.
    const statuses: number[] = [];
    let last: request.Response | null = null;
    for (let n = 1; n <= 25; n += 1) {
      last = await react(url, documentId, { 'X-Forwarded-For': `198.51.100.${n}, 203.0.113.7` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(20).fill(201), ...Array(5).fill(429)]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);

    // Another client of the same proxy has its own budget: the address comes from the header the
    // proxy wrote, not from the socket (which is the proxy for everyone).
    const neighbour = await react(url, documentId, { 'X-Forwarded-For': '198.51.100.1, 203.0.113.8' });
    expect(neighbour.status).toBe(201);
    // The exhausted client cannot escape by writing more addresses of its own.
    const escape = await react(url, documentId, { 'X-Forwarded-For': '203.0.113.8, 198.51.100.77, 203.0.113.7' });
    expect(escape.status).toBe(429);
  });

  it('makes the reactor cookie Secure when the proxy terminated TLS, and only then', async () => {
    const { url } = booted.server;
    const [, documentId] = booted.articles;
    const viaHttps = await react(url, documentId, { 'X-Forwarded-For': '203.0.113.20', 'X-Forwarded-Proto': 'https' });
    expect(viaHttps.status).toBe(201);
    expect(reactorCookie(viaHttps)).toMatch(/;\s*secure\b/i);
    expect(reactorCookie(viaHttps)).toMatch(/;\s*httponly\b/i);

    const viaHttp = await react(url, documentId, { 'X-Forwarded-For': '203.0.113.21', 'X-Forwarded-Proto': 'http' });
    expect(viaHttp.status).toBe(201);
    expect(reactorCookie(viaHttp)).toBeDefined();
    expect(reactorCookie(viaHttp)).not.toMatch(/;\s*secure\b/i);
  });
});

describe('without a trusted proxy (TRUST_PROXY unset)', () => {
  let booted: Booted;
  // Writes this block made from the loopback address, against its budget of 20 a minute.
  let spent = 0;
  beforeAll(async () => {
    booted = await boot('edge-direct', { TRUST_PROXY: '', REACTIONS_RATE_LIMIT: '2' });
  });
  afterAll(() => shutdown(booted));

  it('ignores X-Forwarded-Proto: the cookie is not Secure on a plain connection', async () => {
    const res = await react(booted.server.url, booted.articles[0], { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.30' });
    expect(res.status).toBe(201);
    spent += 1;
    expect(reactorCookie(res)).toBeDefined();
    expect(reactorCookie(res)).not.toMatch(/;\s*secure\b/i);
  });

  it('ignores X-Forwarded-For: every spoofed address is the one real client', async () => {
    const statuses: number[] = [];
    for (let n = 1; n <= 25; n += 1) {
      const res = await react(booted.server.url, booted.articles[1], { 'X-Forwarded-For': `198.51.100.${n}, 203.0.113.${n}` });
      statuses.push(res.status);
    }
    const allowed = 20 - spent;
    expect(statuses).toEqual([...Array(allowed).fill(201), ...Array(25 - allowed).fill(429)]);
  });
});

describe('cross-origin calls and caching', () => {
  const LISTED = 'https://news.example';
  const OTHER = 'https://blog.elsewhere.example';
  let booted: Booted;
  let url: string;
  let documentId: string;
  let token: string;

  beforeAll(async () => {
    booted = await boot('edge-cors', { CORS_ORIGINS: ` ${LISTED}/ , https://www.news.example`, REACTIONS_RATE_LIMIT: '0' });
    url = booted.server.url;
    documentId = booted.articles[0];
    const first = await react(url, documentId, {}, 'love');
    expect(first.status).toBe(201);
    token = first.headers['x-reactor-token'] as string;
  });
  afterAll(() => shutdown(booted));

  describe('CORS', () => {
    const preflight = (origin?: string) => {
      const req = request(url)
        .options(`/api/articles/${documentId}/reactions`)
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', 'content-type,x-reactor-token');
      return origin ? req.set('Origin', origin) : req;
    };

    it('lets a listed origin send credentials, in the preflight and the request', async () => {
      const pre = await preflight(LISTED);
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(LISTED);
      expect(pre.headers['access-control-allow-credentials']).toBe('true');
      expect(String(pre.headers['access-control-allow-methods'])).toContain('PUT');
      expect(String(pre.headers['access-control-allow-headers']).toLowerCase()).toContain('x-reactor-token');
      expect(varyOf(pre)).toContain('origin');

      const res = await request(url).get(`/api/articles/${documentId}/reactions`).set('Origin', 'https://www.news.example');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('https://www.news.example');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(String(res.headers['access-control-expose-headers']).toLowerCase().split(',')).toEqual(
        expect.arrayContaining(['x-reactor-token', 'retry-after'])
      );
      expect(varyOf(res)).toContain('origin');
    });

    it('lets any other origin call with the X-Reactor-Token header, never with credentials', async () => {
      const pre = await preflight(OTHER);
      expect(pre.status).toBe(204);
      expect([OTHER, '*']).toContain(pre.headers['access-control-allow-origin']);
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(pre.headers['access-control-allow-headers']).toLowerCase()).toContain('x-reactor-token');

      const res = await react(url, documentId, { Origin: OTHER, 'X-Reactor-Token': token }, 'wow');
      expect(res.status).toBe(200);
      expect(res.body.data.mine).toBe('wow');
      expect([OTHER, '*']).toContain(res.headers['access-control-allow-origin']);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(res.headers['access-control-expose-headers']).toLowerCase()).toContain('x-reactor-token');
      expect(varyOf(res)).toContain('origin');
    });

    it('matches listed origins exactly: another scheme, port or a look-alike host gets no credentials', async () => {
      for (const origin of ['http://news.example', 'https://news.example:8443', 'https://news.example.evil.test', 'https://evilnews.example', 'null']) {
        const pre = await preflight(origin);
        const res = await request(url).get(`/api/articles/${documentId}/reactions`).set('Origin', origin);
        expect([origin, pre.headers['access-control-allow-credentials'], res.headers['access-control-allow-credentials']]).toEqual([
          origin,
          undefined,
          undefined,
        ]);
      }
    });

    it('answers requests without an Origin with no credentials', async () => {
      const pre = await preflight();
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      const res = await request(url).get(`/api/articles/${documentId}/reactions`);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('holds on /graphql too', async () => {
      const query = { query: '{ reactionKinds { kind } }' };
      const listed = await request(url).post('/graphql').set('Origin', LISTED).send(query);
      expect(listed.status).toBe(200);
      expect(listed.headers['access-control-allow-origin']).toBe(LISTED);
      expect(listed.headers['access-control-allow-credentials']).toBe('true');
      const other = await request(url).post('/graphql').set('Origin', OTHER).send(query);
      expect(other.status).toBe(200);
      expect([OTHER, '*']).toContain(other.headers['access-control-allow-origin']);
      expect(other.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });

  describe('caching', () => {
    it('keeps a tally read with a reactor token (header or cookie) private', async () => {
      const byHeader = await request(url).get(`/api/articles/${documentId}/reactions`).set('X-Reactor-Token', token);
      expect(byHeader.status).toBe(200);
      expect(byHeader.body.data.mine).not.toBeNull();
      expectPrivate(byHeader, 'tally, header token');

      const byCookie = await request(url).get(`/api/articles/${documentId}/reactions`).set('Cookie', `reactor_token=${token}`);
      expect(byCookie.body.data.mine).not.toBeNull();
      expectPrivate(byCookie, 'tally, cookie token');
    });

    it('varies a tally read without identity on the identity headers', async () => {
      const res = await request(url).get(`/api/articles/${documentId}/reactions`);
      expect(res.status).toBe(200);
      expect(res.body.data.mine).toBeNull();
      expect(varyOf(res)).toEqual(expect.arrayContaining(IDENTITY_VARY));
    });

    it('keeps writes private, and the one that sets the reader cookie', async () => {
      const minted = await react(url, booted.articles[1]);
      expect(minted.status).toBe(201);
      expect(reactorCookie(minted)).toBeDefined();
      expectPrivate(minted, 'PUT that sets the cookie');
      expect(String(minted.headers['cache-control'])).toContain('private');

      const changed = await react(url, booted.articles[1], { 'X-Reactor-Token': minted.headers['x-reactor-token'] as string }, 'sad');
      expect(changed.status).toBe(200);
      expectPrivate(changed, 'PUT');

      const removed = await request(url).delete(`/api/articles/${booted.articles[1]}/reactions`).set('X-Reactor-Token', minted.headers['x-reactor-token'] as string);
      expect(removed.status).toBe(200);
      expectPrivate(removed, 'DELETE');

      const refused = await react(url, booted.articles[1], { 'X-Reactor-Token': token }, 'not-a-kind');
      expect(refused.status).toBe(400);
      expectPrivate(refused, 'refused PUT');
    });

    it('keeps batch tallies, article lists and single articles with the caller’s reaction private', async () => {
      const batch = await request(url).get('/api/reaction-tallies').query({ documentIds: booted.articles.join(',') }).set('X-Reactor-Token', token);
      expect(batch.status).toBe(200);
      expect(batch.body.data.find((tally: { documentId: string }) => tally.documentId === documentId).mine).not.toBeNull();
      expectPrivate(batch, 'reaction-tallies');

      const list = await request(url).get('/api/articles').set('X-Reactor-Token', token);
      expect(list.status).toBe(200);
      expect(list.body.data.find((article: { documentId: string }) => article.documentId === documentId).reactionTally.mine).not.toBeNull();
      expectPrivate(list, 'article list');

      const one = await request(url).get(`/api/articles/${documentId}`).set('X-Reactor-Token', token);
      expect(one.status).toBe(200);
      expect(one.body.data.reactionTally.mine).not.toBeNull();
      expectPrivate(one, 'single article');

      const missing = await request(url).get('/api/articles/no-such-article/reactions').set('X-Reactor-Token', token);
      expect(missing.status).toBe(404);
      expectPrivate(missing, 'error answer');
    });

    it('keeps answers to a signed-in reader private', async () => {
      const name = `edge${Date.now().toString(36)}`;
      const registered = await request(url)
        .post('/api/auth/local/register')
        .send({ username: name, email: `${name}@example.test`, password: 'Sup3r-secret-pass' });
      expect(registered.status).toBe(200);
      expectPrivate(registered, 'register (answers with a JWT)');
      const auth = { Authorization: `Bearer ${registered.body.jwt as string}` };
      expect((await react(url, documentId, auth, 'funny')).status).toBe(201);
      const res = await request(url).get(`/api/articles/${documentId}/reactions`).set(auth);
      expect(res.body.data.mine).toBe('funny');
      expectPrivate(res, 'tally, JWT');
    });

    it('keeps GraphQL answers private, over POST and GET', async () => {
      const query = `{ reactionTallies(documentIds: ["${documentId}"]) { documentId mine } }`;
      const post = await request(url).post('/graphql').set('X-Reactor-Token', token).send({ query });
      expect(post.status).toBe(200);
      expect(post.body.data.reactionTallies[0].mine).not.toBeNull();
      expectPrivate(post, 'POST /graphql');

      const get = await request(url).get('/graphql').query({ query }).set('X-Reactor-Token', token).set('apollo-require-preflight', 'true');
      expect(get.status).toBe(200);
      expect(get.body.data.reactionTallies[0].mine).not.toBeNull();
      expectPrivate(get, 'GET /graphql');
    });

    it('merges the identity headers with Vary: Origin', async () => {
      const res = await request(url).get(`/api/articles/${documentId}/reactions`).set('Origin', OTHER).set('X-Reactor-Token', token);
      expect(varyOf(res)).toEqual(expect.arrayContaining(['origin', ...IDENTITY_VARY]));
      expectPrivate(res, 'cross-origin tally');
    });

    it('leaves public files alone', async () => {
      for (const file of ['/demo.js', '/api-docs/index.html']) {
        const res = await request(url).get(file);
        expect([file, res.status]).toEqual([file, 200]);
        expect([file, String(res.headers['cache-control'] ?? '')]).not.toEqual([file, expect.stringMatching(/private|no-store/)]);
        expect([file, varyOf(res)]).not.toEqual([file, expect.arrayContaining(['authorization'])]);
      }
    });
  });
});

describe('the private-responses middleware', () => {
  const fakeStrapi = { config: { get: (_key: string, fallback: unknown) => fallback } } as unknown as Core.Strapi;

  const appWith = (handler: (ctx: Koa.Context) => void) => {
    const app = new Koa();
    app.use(privateResponses({}, { strapi: fakeStrapi }));
    app.use(async (ctx) => {
      ctx.body = { ok: true };
      handler(ctx);
    });
    return app.callback();
  };

  it('leaves a Cache-Control a handler chose for a read, but still varies it on identity', async () => {
    const res = await request(appWith((ctx) => ctx.set('Cache-Control', 'public, max-age=5'))).get('/api/reaction-tallies');
    expect(res.headers['cache-control']).toBe('public, max-age=5');
    expect(varyOf(res)).toEqual(expect.arrayContaining(IDENTITY_VARY));
  });

  it('makes a response private whatever the handler said when it sets a cookie or answers a write', async () => {
    const cookie = await request(
      appWith((ctx) => {
        ctx.set('Cache-Control', 'public, max-age=5');
        ctx.cookies.set('reactor_token', 'x', { httpOnly: true });
      })
    ).get('/api/articles/abc/reactions');
    expect(cookie.headers['cache-control']).toBe('private, no-store');

    const write = await request(appWith((ctx) => ctx.set('Cache-Control', 'public, max-age=5'))).post('/graphql');
    expect(write.headers['cache-control']).toBe('private, no-store');

    // Outside the API too: a cookie or a write is never for a shared cache.
    const elsewhere = await request(appWith((ctx) => ctx.cookies.set('session', 'y'))).get('/some/page');
    expect(elsewhere.headers['cache-control']).toBe('private, no-store');
  });

  it("matches the API prefix in any case, as Strapi's router does", async () => {
    for (const target of ['/API/articles', '/Api/reaction-tallies', '/GraphQL']) {
      const res = await request(appWith(() => undefined)).get(target);
      expect([target, res.headers['cache-control']]).toEqual([target, 'private, no-store']);
      expect(varyOf(res)).toEqual(expect.arrayContaining(IDENTITY_VARY));
    }
  });

  it('does not touch reads outside the API, even under a look-alike prefix', async () => {
    for (const target of ['/admin/project-type', '/api-docs/index.html', '/graphql-playground.js', '/demo.js']) {
      const res = await request(appWith((ctx) => ctx.set('Cache-Control', 'max-age=60'))).get(target);
      expect([target, res.headers['cache-control'], res.headers.vary]).toEqual([target, 'max-age=60', undefined]);
    }
  });
});

describe('configuration', () => {
  it('reads TRUST_PROXY as a number of trusted hops', () => {
    const proxyOf = (value?: string) => serverConfig({ env: envOf(value === undefined ? {} : { TRUST_PROXY: value }) }).proxy;
    expect(proxyOf()).toMatchObject({ koa: false, maxIpsCount: 0 });
    expect(proxyOf('false')).toMatchObject({ koa: false, maxIpsCount: 0 });
    expect(proxyOf('0')).toMatchObject({ koa: false, maxIpsCount: 0 });
    expect(proxyOf('true')).toMatchObject({ koa: true, maxIpsCount: 1 });
    expect(proxyOf('2')).toMatchObject({ koa: true, maxIpsCount: 2 });
    expect(() => proxyOf('yes')).toThrow(/TRUST_PROXY/);
    expect(() => proxyOf('-1')).toThrow(/TRUST_PROXY/);
  });

  it('takes the address n hops from the right of X-Forwarded-For, as koa runs with that config', async () => {
    const ipBehind = async (trust: string, forwardedFor: string) => {
      const { proxy } = serverConfig({ env: envOf({ TRUST_PROXY: trust }) });
      const app = new Koa({ proxy: proxy.koa });
      app.proxyIpHeader = proxy.ipHeader;
      app.maxIpsCount = proxy.maxIpsCount;
      app.use((ctx) => {
        ctx.body = { ip: ctx.ip };
      });
      return (await request(app.callback()).get('/').set('X-Forwarded-For', forwardedFor)).body.ip as string;
    };
    // Two proxies: the outer one appended the client (203.0.113.7), the inner one the outer proxy (10.0.0.2).
    expect(await ipBehind('2', '198.51.100.1, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
    expect(await ipBehind('1', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
    expect(await ipBehind('false', '198.51.100.1')).not.toBe('198.51.100.1');
  });

  it('refuses a production start without its secrets, naming every missing one', () => {
    const production = { NODE_ENV: 'production' };
    expect(() => serverConfig({ env: envOf({ ...production, ...withSecrets() }) })).not.toThrow();
    const values: Record<string, string> = { ...production, ...withSecrets({ JWT_SECRET: '', APP_KEYS: ' , ' }) };
    delete values.ENCRYPTION_KEY;
    let message = '';
    try {
      serverConfig({ env: envOf(values) });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/APP_KEYS/);
    expect(message).toMatch(/JWT_SECRET/);
    expect(message).toMatch(/ENCRYPTION_KEY/);
    expect(message).not.toMatch(/ADMIN_JWT_SECRET|API_TOKEN_SALT|TRANSFER_TOKEN_SALT/);
    // Development and tests are not production: .env generation (scripts/ensure-env.js) covers them.
    expect(() => serverConfig({ env: envOf({ NODE_ENV: 'development' }) })).not.toThrow();
    // `strapi build` only compiles the admin panel: an image can be built without the secrets.
    const argv = process.argv;
    try {
      process.argv = [argv[0], 'strapi', 'build'];
      expect(() => serverConfig({ env: envOf(production) })).not.toThrow();
      process.argv = [argv[0], 'strapi', 'start'];
      expect(() => serverConfig({ env: envOf(production) })).toThrow(/APP_KEYS, API_TOKEN_SALT, ADMIN_JWT_SECRET, JWT_SECRET, TRANSFER_TOKEN_SALT, ENCRYPTION_KEY/);
    } finally {
      process.argv = argv;
    }
  });

  it('accepts only real origins in CORS_ORIGINS', () => {
    const corsOf = (value: string) => {
      const entries = middlewaresConfig({ env: envOf({ CORS_ORIGINS: value }) });
      return entries.find((entry) => typeof entry === 'object' && entry.name === 'strapi::cors') as {
        config: { credentials: (ctx: { get: (field: string) => string }) => boolean };
      };
    };
    const allows = (value: string, origin: string) => corsOf(value).config.credentials({ get: () => origin });
    expect(allows('https://News.Example/, http://localhost:3000', 'https://news.example')).toBe(true);
    expect(allows('https://news.example', 'http://localhost:3000')).toBe(false);
    expect(allows('', 'https://news.example')).toBe(false);
    expect(allows('', '')).toBe(false);
    for (const bad of ['*', 'news.example', 'https://news.example/app', 'ftp://news.example', 'https://*.news.example']) {
      expect(() => corsOf(bad)).toThrow(/CORS_ORIGINS/);
    }
  });
});

describe('production secrets', () => {
  const run = (command: string[], env: Record<string, string | undefined>, cwd: string) =>
    new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, command, { cwd, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      // A start that does not stop on its own is a failure, not a hang.
      const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });

  const productionEnv = (drop: string[], extra: Record<string, string> = {}) => {
    const env: Record<string, string | undefined> = { ...process.env, ...TEST_ENV, NODE_ENV: 'production' };
    for (const key of [...drop, 'npm_lifecycle_event', 'ENV_PATH']) delete env[key];
    return { ...env, ...extra };
  };

  const snapshot = (file: string) => (fs.existsSync(file) ? { mode: fs.statSync(file).mode, text: fs.readFileSync(file, 'utf8') } : null);

  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stops `strapi start` before anything runs, names the missing secrets, and writes no .env', async () => {
    const repoEnv = path.join(APP_DIR, '.env');
    const before = snapshot(repoEnv);
    const envPath = path.join(dir, '.env');
    const dbFile = path.join(dir, 'data.db');
    const { code, output } = await run(
      [STRAPI_BIN, 'start'],
      productionEnv(['JWT_SECRET', 'ENCRYPTION_KEY'], { ENV_PATH: envPath, DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: dbFile, PORT: '0' }),
      APP_DIR
    );
    expect(code).not.toBe(0);
    const named = /Missing secrets for production: ([A-Z_, ]+)/.exec(output)?.[1] ?? output;
    expect(named.split(', ').sort()).toEqual(['ENCRYPTION_KEY', 'JWT_SECRET']);
    expect(fs.existsSync(envPath)).toBe(false);
    expect(fs.existsSync(dbFile)).toBe(false);
    expect(snapshot(repoEnv)).toEqual(before);
  });

  it('makes ensure-env refuse to generate in production, naming what is missing', async () => {
    fs.writeFileSync(path.join(dir, '.env'), 'APP_KEYS=from-file-a,from-file-b\n', { mode: 0o644 });
    const before = snapshot(path.join(dir, '.env'));
    const env = productionEnv(SECRETS, { API_TOKEN_SALT: 'from-the-environment' });
    const { code, output } = await run([ENSURE_ENV], env, dir);
    expect(code).toBe(1);
    for (const key of ['ADMIN_JWT_SECRET', 'JWT_SECRET', 'TRANSFER_TOKEN_SALT', 'ENCRYPTION_KEY']) expect(output).toContain(key);
    // Set in .env or in the environment counts as given.
    expect(output).not.toMatch(/APP_KEYS|API_TOKEN_SALT/);
    expect(snapshot(path.join(dir, '.env'))).toEqual(before);

    // `npm run build` in production compiles without secrets, and still generates none.
    const build = await run([ENSURE_ENV], { ...env, npm_lifecycle_event: 'build' }, dir);
    expect(build.code).toBe(0);
    expect(build.output).toContain('JWT_SECRET');
    expect(snapshot(path.join(dir, '.env'))).toEqual(before);

    // With every secret given, production passes and still writes nothing.
    const given = await run([ENSURE_ENV], productionEnv([], {}), dir);
    expect(given.code).toBe(0);
    expect(snapshot(path.join(dir, '.env'))).toEqual(before);
  });

  it('creates .env in development readable by its owner only', () => {
    const result = ensureEnv(dir, { NODE_ENV: 'development' });
    expect(result).toMatchObject({ created: true, added: SECRETS, missing: [] });
    const file = path.join(dir, '.env');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    for (const key of SECRETS) expect(text).toMatch(new RegExp(`^${key}=\\S+$`, 'm'));
    // A second run has nothing to add and changes nothing.
    expect(ensureEnv(dir, { NODE_ENV: 'development' })).toMatchObject({ created: false, added: [] });
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('appends only what is missing to an existing .env and makes it owner-only too', () => {
    const file = path.join(dir, '.env');
    const original = '# mine\nAPP_KEYS=keep-a,keep-b\nJWT_SECRET=\nPORT=1400';
    fs.writeFileSync(file, original, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const result = ensureEnv(dir, { NODE_ENV: 'development', ENCRYPTION_KEY: 'given-by-the-environment' });
    // An empty value is missing; a secret the environment gives is not written to the file.
    expect(result.added.sort()).toEqual(['ADMIN_JWT_SECRET', 'API_TOKEN_SALT', 'JWT_SECRET', 'TRANSFER_TOKEN_SALT']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith(`${original}\n`)).toBe(true);
    expect(text).toMatch(/^JWT_SECRET=\S+$/m);
    expect(text).not.toMatch(/^ENCRYPTION_KEY=/m);
    expect(text.match(/^APP_KEYS=/gm)).toHaveLength(1);
  });
});
