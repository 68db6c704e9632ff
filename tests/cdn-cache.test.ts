/**
 * docs/nginx-cdn.conf for real: nginx (Debian's nginx-light) as a caching proxy in front of a
 * Strapi server process. Public tallies and article pages are served from the cache; identified
 * requests pass through and are never stored; the live stream passes unbuffered. nginx runs on
 * 127.0.0.1 as the current user with its own prefix, and is stopped at the end.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { describeWith } from './helpers/requirements';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { freePort, startServerProcess, type ServerProcess } from './helpers/server-process';
import { bootStrapi, APP_DIR } from './helpers/strapi';
import { createArticle } from './helpers/content';
import { openSse, talliesOf } from './helpers/sse';

const describeNginx = describeWith('nginx', 'apt-get install -y nginx-light');

describeNginx('docs/nginx-cdn.conf in front of Strapi', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let nginx: ChildProcess | null = null;
  let prefix: string;
  let cdn: string;
  let articles: string[];

  const startNginx = async (upstreamPort: number) => {
    prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-nginx-'));
    const port = await freePort();
    const site = fs
      .readFileSync(path.join(APP_DIR, 'docs', 'nginx-cdn.conf'), 'utf8')
      .replace('/var/cache/nginx/reactions', path.join(prefix, 'cache'))
      .replace('server 127.0.0.1:1337;', `server 127.0.0.1:${upstreamPort};`)
      .replace('listen 8080;', `listen 127.0.0.1:${port};`);
    expect(site).toContain(`listen 127.0.0.1:${port};`);
    const temp = (name: string) => path.join(prefix, name);
    fs.writeFileSync(
      temp('nginx.conf'),
      [
        'daemon off;',
        'master_process off;',
        `pid ${temp('nginx.pid')};`,
        `error_log ${temp('error.log')} warn;`,
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${temp('body')};`,
        `  proxy_temp_path ${temp('proxy')};`,
        `  fastcgi_temp_path ${temp('fastcgi')};`,
        `  uwsgi_temp_path ${temp('uwsgi')};`,
        `  scgi_temp_path ${temp('scgi')};`,
        site,
        '}',
      ].join('\n')
    );
    nginx = spawn('nginx', ['-p', prefix, '-c', temp('nginx.conf'), '-e', temp('error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    nginx.stdout?.on('data', (chunk) => (output += chunk));
    nginx.stderr?.on('data', (chunk) => (output += chunk));
    cdn = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10000;
    for (;;) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${output} ${fs.existsSync(temp('error.log')) ? fs.readFileSync(temp('error.log'), 'utf8') : ''}`);
      try {
        await fetch(`${cdn}/_health`);
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`nginx did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase('cdn');
    const seeding = await bootStrapi(database);
    articles = [await createArticle(seeding.strapi), await createArticle(seeding.strapi)];
    await seeding.stop({ keepDatabase: true });
    server = await startServerProcess({ ...database.env, REACTIONS_TALLY_MAX_AGE: '60', TRUST_PROXY: '1' });
    await startNginx(server.port);
  }, 180000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const stopped = new Promise((resolve) => nginx?.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await stopped;
    }
    await server?.stop();
    await database?.drop();
    if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

  it('serves a public tally from the cache, and revalidates to 304 with its ETag', async () => {
    const id = articles[0];
    const first = await get(`${cdn}/api/articles/${id}/reactions`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache-status')).toBe('MISS');
    const body = await first.json();
    const second = await get(`${cdn}/api/articles/${id}/reactions`);
    expect(second.headers.get('x-cache-status')).toBe('HIT');
    expect(await second.json()).toEqual(body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    const conditional = await get(`${cdn}/api/articles/${id}/reactions`, { 'If-None-Match': first.headers.get('etag') as string });
    expect(conditional.status).toBe(304);
  });

  it('passes identified requests through, never stores them, and never serves a reader\'s `mine` to anyone else', async () => {
    const id = articles[1];
    // Warm the public entry first.
    await get(`${cdn}/api/articles/${id}/reactions`);
    const write = await fetch(`${cdn}/api/articles/${id}/reactions`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { kind: 'love' } }),
    });
    expect(write.status).toBe(201);
    expect(write.headers.get('x-cache-status')).not.toBe('HIT');
    const token = write.headers.get('x-reactor-token') as string;
    for (const headers of [{ 'X-Reactor-Token': token }, { Cookie: `reactor_token=${token}` }] as Array<Record<string, string>>) {
      for (let i = 0; i < 2; i += 1) {
        const res = await get(`${cdn}/api/articles/${id}/reactions`, headers);
        expect(res.headers.get('x-cache-status')).toBe('BYPASS');
        expect(res.headers.get('cache-control')).toBe('private, no-store');
        expect(((await res.json()) as { data: { mine: string } }).data.mine).toBe('love');
      }
    }
    const anonymous = await get(`${cdn}/api/articles/${id}/reactions`);
    expect(((await anonymous.json()) as { data: { mine: string | null } }).data.mine).toBeNull();
  });

  it("caches Strapi's article list without identity and bypasses it with an Authorization header", async () => {
    const path = '/api/articles?pagination[pageSize]=5';
    await get(`${cdn}${path}`);
    expect((await get(`${cdn}${path}`)).headers.get('x-cache-status')).toBe('HIT');
    const identified = await get(`${cdn}${path}`, { Authorization: 'Bearer not-a-real-jwt' });
    expect(identified.headers.get('x-cache-status')).toBe('BYPASS');
  });

  it('passes the live stream unbuffered: a write reaches a subscriber through nginx within a second', async () => {
    const id = articles[0];
    const stream = await openSse(`${cdn}/api/reaction-stream?documentIds=${id}`);
    try {
      expect(stream.status).toBe(200);
      await stream.waitFor(() => talliesOf(stream, id).length === 1);
      const before = talliesOf(stream, id)[0].total;
      const started = Date.now();
      await fetch(`${server.url}/api/articles/${id}/reactions`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { kind: 'wow' } }),
      });
      await stream.waitFor(() => talliesOf(stream, id).some((t) => t.total === before + 1), 1000);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      stream.close();
    }
  });
});
