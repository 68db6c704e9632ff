/**
 * The write limit across instances: with REACTIONS_RATE_LIMIT_REDIS_URL two instances share one
 * reader's budget; without it each instance counts alone; and when Redis goes away, writes still
 * work, limited per instance. Needs `redis-server` on PATH: without it these tests are reported as
 * skipped (a failure with TEST_REQUIRE_ALL=true).
 */
import { spawn, type ChildProcess } from 'child_process';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { describeWith } from './helpers/requirements';
import { freePort, startServerProcess, type ServerProcess } from './helpers/server-process';

const LIMIT = 3;

let redis: ChildProcess;
let redisUrl: string;
const servers: ServerProcess[] = [];
const databases: TestDatabase[] = [];

const startRedis = async () => {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
  });
  return { child, url: `redis://127.0.0.1:${port}` };
};

const put = async (server: ServerProcess, documentId: string, kind: string, token?: string) => {
  const res = await fetch(`${server.url}/api/articles/${documentId}/reactions`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...(token ? { 'X-Reactor-Token': token } : {}) },
    body: JSON.stringify({ data: { kind } }),
  });
  return { status: res.status, token: res.headers.get('x-reactor-token'), retryAfter: res.headers.get('retry-after') };
};

const firstArticle = async (server: ServerProcess) => {
  const res = await fetch(`${server.url}/api/articles?fields[0]=title`);
  return ((await res.json()) as { data: Array<{ documentId: string }> }).data[0].documentId;
};

/** Two instances on one fresh database, with the given extra environment. */
const twoInstances = async (env: Record<string, string>) => {
  const database = await createTestDatabase('limit');
  databases.push(database);
  const first = await startServerProcess({ ...database.env, ...env, SEED_SAMPLE_CONTENT: 'true', REACTIONS_RATE_LIMIT: String(LIMIT) });
  servers.push(first);
  const second = await startServerProcess({ ...database.env, ...env, REACTIONS_RATE_LIMIT: String(LIMIT) });
  servers.push(second);
  return [first, second];
};

/** One reader writes alternately to both instances; returns the statuses of its writes. */
const alternatingWrites = async ([first, second]: ServerProcess[], count: number) => {
  const documentId = await firstArticle(first);
  const minted = await put(first, documentId, 'like');
  expect(minted.status).toBe(201);
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const server = i % 2 === 0 ? second : first;
    statuses.push((await put(server, documentId, i % 2 === 0 ? 'wow' : 'love', minted.token as string)).status);
  }
  return statuses;
};

describeWith('redis-server', 'apt-get install redis-server')('the write limit across instances, with and without Redis', () => {
  beforeAll(async () => {
    ({ child: redis, url: redisUrl } = await startRedis());
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    for (const database of databases) await database.drop();
    if (redis && redis.exitCode === null) redis.kill('SIGTERM');
  });

  it('shares one reader\'s budget between instances through Redis', async () => {
    const instances = await twoInstances({ REACTIONS_RATE_LIMIT_REDIS_URL: redisUrl });
    // The write that minted the token counts: LIMIT - 1 more are allowed, whichever instance.
    const statuses = await alternatingWrites(instances, LIMIT + 1);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('counts per instance without Redis', async () => {
    const instances = await twoInstances({});
    // Each instance counts alone: LIMIT on the second, LIMIT - 1 more on the first (which minted).
    const statuses = await alternatingWrites(instances, LIMIT * 2 + 2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT * 2 - 1);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
  });

  it('keeps accepting writes, limited per instance, when Redis goes away', async () => {
    const [first] = servers;
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    const documentId = await firstArticle(first);
    const reader = await put(first, documentId, 'sad');
    expect(reader.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) statuses.push((await put(first, documentId, i % 2 ? 'sad' : 'funny', reader.token as string)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
