#!/usr/bin/env node
/**
 * `npm run bench [-- --pg] [-- --million]`: builds the project, seeds 100 published articles and
 * ~120k reactions (1.1M with --million: 1M of them on one viral article) straight into the database in bulk (real rows, counters
 * computed from them), starts production servers, and measures with autocannon, alternating
 * the two sides of each pair so that drift on a busy machine hits both alike:
 *   1. GET /api/articles?pagination[pageSize]=25 with tallies vs tally embedding off (goal >= 0.9)
 *   2. reaction PUT from distinct readers vs GET /api/articles/:documentId          (goal >= 0.8)
 *   3. one article's tally at 10k vs at the largest count (1M with --million)  (goal p50 <= 1.5)
 *   4. GraphQL articles(pageSize 25) { reactionTally } vs without it             (goal >= 0.9)
 * Prints req/s, p50, p99 and responses other than the expected status per side and each ratio with its goal, and writes
 * bench/report-<database>[-1m].json. A benchmark, not a test: CI does not run it.
 * `--trends` runs bench/trends.js instead: the trends query at 10k vs 1M reactions (ratio 1M / 10k).
 */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const autocannon = require('autocannon');
const { cacheablePairs, liveBench } = require('./cacheable');
const { BENCH_ENV, runBenchmark } = require('./environment');

const APP_DIR = path.resolve(__dirname, '..');
const WORK_DIR = path.join(APP_DIR, 'bench', '.work');
const args = new Set(process.argv.slice(2));
const usePostgres = args.has('--pg');
const million = args.has('--million');
const TOTAL_REACTIONS = million ? 1_000_000 : 100_000;
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS || 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 16);
const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];

const baseEnv = {
  ...process.env,
  ...BENCH_ENV,
  HOST: '127.0.0.1',
  SERVE_ADMIN_PANEL: 'false',
  REACTIONS_RATE_LIMIT: '0',
  REACTIONS_NEW_READERS_PER_ADDRESS: '0',
  REACTIONS_STREAM_CONNECTIONS_PER_ADDRESS: '0',
};

const databaseEnv = () => {
  if (!usePostgres) {
    fs.rmSync(WORK_DIR, { recursive: true, force: true });
    fs.mkdirSync(WORK_DIR, { recursive: true });
    return { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(WORK_DIR, 'bench.db') };
  }
  const name = `reactions_bench_${crypto.randomBytes(3).toString('hex')}`;
  const admin = { DATABASE_HOST: process.env.DATABASE_HOST || '127.0.0.1', DATABASE_PORT: process.env.DATABASE_PORT || '5432', DATABASE_USERNAME: process.env.DATABASE_USERNAME || 'strapi', DATABASE_PASSWORD: process.env.DATABASE_PASSWORD || 'strapi' };
  const psql = spawnSync(process.execPath, ['-e', `
    const { Client } = require('pg');
    const c = new Client({ host: '${admin.DATABASE_HOST}', port: ${admin.DATABASE_PORT}, user: '${admin.DATABASE_USERNAME}', password: '${admin.DATABASE_PASSWORD}', database: 'postgres' });
    c.connect().then(() => c.query('CREATE DATABASE "${name}"')).then(() => c.end()).catch((e) => { console.error(e.message); process.exit(1); });
  `], { cwd: APP_DIR, stdio: 'inherit' });
  if (psql.status !== 0) throw new Error('Could not create the PostgreSQL database (see README: running on PostgreSQL)');
  return { DATABASE_CLIENT: 'postgres', DATABASE_NAME: name, ...admin };
};

const log = (...parts) => console.log(...parts);

const build = () => {
  log('Building (TypeScript to dist/)...');
  const result = spawnSync(process.execPath, ['-e', "require('@strapi/strapi').compileStrapi({ appDir: process.cwd() }).then(() => process.exit(0))"], { cwd: APP_DIR, stdio: 'inherit', env: baseEnv });
  if (result.status !== 0) throw new Error('build failed');
};

/** The fastest honest path: bulk INSERTs of real rows; counters computed from exactly those rows. */
const seed = async (env) => {
  Object.assign(process.env, baseEnv, env);
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: path.join(APP_DIR, 'dist') }).load();
  try {
    // Real-sized stories: the sample articles' text (headline, lead, dateline, body with a subheading and a quote).
    const { SAMPLE_ARTICLES } = require(path.join(APP_DIR, 'dist/src/bootstrap/sample-content'));
    const text = (value) => [{ type: 'text', text: value }];
    const articles = [];
    for (let i = 0; i < 100; i += 1) {
      const sample = SAMPLE_ARTICLES[i % SAMPLE_ARTICLES.length];
      const doc = await strapi.documents('api::article.article').create({
        data: {
          title: `${sample.title} (${i + 1})`,
          lead: sample.lead,
          category: sample.category,
          byline: sample.byline,
          dateline: sample.dateline,
          body: [
            ...sample.paragraphs.map((p) => ({ type: 'paragraph', children: text(p) })),
            { type: 'heading', level: 2, children: text(sample.subheading) },
            { type: 'quote', children: text(sample.quote) },
            ...sample.closing.map((p) => ({ type: 'paragraph', children: text(p) })),
          ],
        },
        status: 'published',
      });
      articles.push(doc.documentId);
    }
    const small = articles[0];
    const viral = articles[1];
    // 10k on one article, 100k (1M) on the viral one, and a tenth of that spread over the other 98.
    const plan = new Map([[small, 10_000], [viral, TOTAL_REACTIONS]]);
    const spread = Math.floor((TOTAL_REACTIONS * 0.1) / 98);
    for (const id of articles.slice(2)) plan.set(id, spread);

    const knex = strapi.db.connection;
    const batchSize = usePostgres ? 5000 : 500;
    const now = new Date();
    let inserted = 0;
    for (const [documentId, count] of plan) {
      const counters = Object.fromEntries(KINDS.map((k) => [k, 0]));
      await knex.transaction(async (trx) => {
        for (let start = 0; start < count; start += batchSize) {
          const rows = [];
          for (let i = start; i < Math.min(count, start + batchSize); i += 1) {
            const kind = KINDS[(i * 7919) % KINDS.length];
            counters[kind] += 1;
            rows.push({
              document_id: crypto.randomBytes(12).toString('hex').slice(0, 24),
              kind,
              reader_type: 'anonymous',
              target_type: 'api::article.article',
              target_document_id: documentId,
              reader_key: crypto.randomBytes(24).toString('base64url'),
              created_at: now,
              updated_at: now,
              published_at: now,
            });
          }
          await trx('reader_reactions').insert(rows);
        }
        for (const kind of KINDS) {
          if (counters[kind] === 0) continue;
          await trx('reader_reaction_counters').insert({ target_type: 'api::article.article', target_document_id: documentId, kind, count: counters[kind] });
        }
      });
      inserted += count;
    }
    log(`Seeded ${inserted.toLocaleString('en')} reactions; checking counters against rows...`);
    const drift = await strapi.plugin('reactions').service('maintenance').reconcile({ repair: false });
    if (drift.length > 0) throw new Error('seeded counters differ from rows');
    return { articles, small, viral, plan };
  } finally {
    await strapi.destroy();
  }
};

const freePort = () =>
  new Promise((resolve) => {
    const server = require('net').createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const startServer = async (env) => {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(APP_DIR, 'node_modules/@strapi/strapi/bin/strapi.js'), 'start'], {
    cwd: APP_DIR,
    env: { ...baseEnv, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i += 1) {
    try {
      if ((await fetch(`${url}/_health`)).status === 204) return { url, child };
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server did not start');
};

const measure = (options) =>
  new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: ROUND_SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });

/** Responses other than the side's expected status (any 2xx, or e.g. 304 for revalidations), errors included. */
const unexpectedOf = (results, expectStatus) =>
  results.reduce((sum, r) => {
    const wrong = expectStatus ? r.requests.total - (r.statusCodeStats?.[String(expectStatus)]?.count ?? 0) : r.non2xx;
    return sum + wrong + r.errors;
  }, 0);

const summarise = (results, expectStatus) => {
  const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
  const duration = results.reduce((sum, r) => sum + r.duration, 0);
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    requestsPerSecond: Math.round((total('requests') === undefined ? 0 : results.reduce((s, r) => s + r.requests.total, 0)) / duration),
    p50: median(results.map((r) => r.latency.p50)),
    p99: median(results.map((r) => r.latency.p99)),
    unexpected: unexpectedOf(results, expectStatus),
    expected: expectStatus ? String(expectStatus) : '2xx',
  };
};

/** Alternates A and B for ROUNDS rounds each. */
const pair = async (name, a, b) => {
  const resultsA = [];
  const resultsB = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    resultsA.push(await measure(a.options()));
    resultsB.push(await measure(b.options()));
  }
  return { name, a: { label: a.label, ...summarise(resultsA, a.expectStatus) }, b: { label: b.label, ...summarise(resultsB, b.expectStatus) } };
};

// What a front page asks for: the list fields of 25 stories, with or without their tallies.
const GRAPHQL_LIST_FIELDS = 'documentId title slug lead category byline dateline publishedAt';
const GRAPHQL_TALLY_FIELDS = 'reactionTally { total mine counts { like dislike love funny angry sad wow } }';
const graphqlQuery = (withTally) => `{ articles(pagination: { pageSize: 25 }) { ${GRAPHQL_LIST_FIELDS} ${withTally ? GRAPHQL_TALLY_FIELDS : ''} } }`;
const graphqlRequest = (withTally) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: graphqlQuery(withTally) }),
});

const main = async () => {
  const env = databaseEnv();
  build();
  log(`Seeding 100 articles and ${Math.round(TOTAL_REACTIONS * 1.1 + 10_000).toLocaleString('en')} reactions (${TOTAL_REACTIONS.toLocaleString('en')} on one article) on ${usePostgres ? 'PostgreSQL' : 'SQLite'}...`);
  const seeded = await seed(env);

  const withTallies = await startServer(env);
  const withoutTallies = await startServer({ ...env, REACTIONS_EMBED_TALLIES: 'false' });
  try {
    // Warm both servers.
    for (const server of [withTallies, withoutTallies]) await measure({ url: `${server.url}/api/articles?pagination[pageSize]=25`, duration: 5 });

    log('Minting 2,000 anonymous readers...');
    const tokens = [];
    for (let i = 0; i < 2000; i += 1) {
      const documentId = seeded.articles[2 + (i % 98)];
      // Minted on the other server (tokens are valid on both), so both sides of the list pair saw the same load.
      const res = await fetch(`${withoutTallies.url}/api/articles/${documentId}/reactions`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { kind: 'like' } }),
      });
      tokens.push({ token: res.headers.get('x-reactor-token'), documentId, flip: 0 });
    }

    for (const withTally of [false, true]) {
      await measure({ url: `${withTallies.url}/graphql`, ...graphqlRequest(withTally), duration: 3 });
    }

    const pairs = [];
    pairs.push(
      await pair(
        'article list with tallies vs without (req/s ratio, goal >= 0.9)',
        { label: 'list, tallies off', options: () => ({ url: `${withoutTallies.url}/api/articles?pagination[pageSize]=25` }) },
        { label: 'list, tallies on', options: () => ({ url: `${withTallies.url}/api/articles?pagination[pageSize]=25` }) }
      )
    );
    let cursor = 0;
    pairs.push(
      await pair(
        'reaction PUT from distinct readers vs GET one article (req/s ratio, goal >= 0.8)',
        { label: 'GET /api/articles/:id', options: () => ({ url: `${withTallies.url}/api/articles/${seeded.articles[3]}` }) },
        {
          label: 'PUT reaction',
          options: () => ({
            url: withTallies.url,
            requests: [
              {
                method: 'PUT',
                setupRequest: (req) => {
                  const reader = tokens[cursor % tokens.length];
                  cursor += 1;
                  reader.flip += 1;
                  return {
                    ...req,
                    path: `/api/articles/${reader.documentId}/reactions`,
                    headers: { 'content-type': 'application/json', 'x-reactor-token': reader.token },
                    body: JSON.stringify({ data: { kind: KINDS[reader.flip % KINDS.length] } }),
                  };
                },
              },
            ],
          }),
        }
      )
    );
    pairs.push(
      await pair(
        `one tally at ${seeded.plan.get(seeded.small).toLocaleString('en')} vs ${seeded.plan.get(seeded.viral).toLocaleString('en')} reactions (p50 ratio, goal <= 1.5)`,
        { label: `tally, ${seeded.plan.get(seeded.small)} reactions`, options: () => ({ url: `${withTallies.url}/api/articles/${seeded.small}/reactions` }) },
        { label: `tally, ${seeded.plan.get(seeded.viral)} reactions`, options: () => ({ url: `${withTallies.url}/api/articles/${seeded.viral}/reactions` }) }
      )
    );
    pairs.push(
      await pair(
        'GraphQL articles(pageSize 25) with reactionTally vs without (req/s ratio, goal >= 0.9)',
        { label: 'GraphQL without tally', options: () => ({ url: `${withTallies.url}/graphql`, ...graphqlRequest(false) }) },
        { label: 'GraphQL with tally', options: () => ({ url: `${withTallies.url}/graphql`, ...graphqlRequest(true) }) }
      )
    );

    const goals = [
      { ratio: pairs[0].b.requestsPerSecond / pairs[0].a.requestsPerSecond, goal: '>= 0.9', met: (r) => r >= 0.9 },
      { ratio: pairs[1].b.requestsPerSecond / pairs[1].a.requestsPerSecond, goal: '>= 0.8', met: (r) => r >= 0.8 },
      { ratio: pairs[2].b.p50 / Math.max(pairs[2].a.p50, 0.001), goal: '<= 1.5', met: (r) => r <= 1.5 },
      { ratio: pairs[3].b.requestsPerSecond / pairs[3].a.requestsPerSecond, goal: '>= 0.9', met: (r) => r >= 0.9 },
    ];

    // Cacheable and live tallies (bench/cacheable.js); the list goal there is >= 0.95.
    const cacheable = await cacheablePairs({ pair, server: withTallies, documentId: seeded.articles[3], tallyId: seeded.articles[4], usePostgres });
    let live = null;
    if (usePostgres) {
      log('Live: starting a second instance...');
      const second = await startServer(env);
      try {
        live = await liveBench({ servers: [withTallies, second], documentId: seeded.articles[5], log });
      } finally {
        second.child.kill('SIGTERM');
      }
    }

    const machine = `${os.cpus().length} cores (${os.cpus()[0].model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${usePostgres ? 'PostgreSQL' : 'SQLite (WAL)'}`;
    log(`\nMachine: ${machine}`);
    log(`Rounds: ${ROUNDS} x ${ROUND_SECONDS}s per side, alternating; ${CONNECTIONS} connections\n`);
    pairs.forEach((p, i) => {
      log(p.name);
      for (const side of [p.a, p.b]) {
        log(`  ${side.label.padEnd(32)} ${String(side.requestsPerSecond).padStart(7)} req/s   p50 ${String(side.p50).padStart(5)} ms   p99 ${String(side.p99).padStart(5)} ms   not ${side.expected}: ${side.unexpected}`);
      }
      log(`  ratio ${goals[i].ratio.toFixed(2)} (goal ${goals[i].goal}) ${goals[i].met(goals[i].ratio) ? 'met' : 'NOT met'}\n`);
    });

    for (const p of cacheable) {
      log(p.name);
      for (const side of [p.a, p.b]) {
        log(`  ${side.label.padEnd(32)} ${String(side.requestsPerSecond).padStart(7)} req/s   p50 ${String(side.p50).padStart(5)} ms   p99 ${String(side.p99).padStart(5)} ms   not ${side.expected}: ${side.unexpected}`);
      }
      log(`  ratio ${p.ratio.toFixed(2)} (goal ${p.goal}) ${p.met(p.ratio) ? 'met' : 'NOT met'}\n`);
    }
    log(`article list with tallies vs without, issue 14's goal: ratio ${goals[0].ratio.toFixed(2)} (goal >= 0.95) ${goals[0].ratio >= 0.95 ? 'met' : 'NOT met'}\n`);
    if (live) {
      log(`live: ${live.subscribers} subscribers on ${live.instances} instances, ${live.writes} writes at 50/s on one story`);
      log(`  every change seen by ${live.subscribersWithEveryChange}/${live.subscribers} subscribers; deliveries ${live.deliveries}/${live.expectedDeliveries}`);
      log(`  delivery latency p50 ${live.p50} ms, p99 ${live.p99} ms, max ${live.max} ms (goal p99 < 1000) ${live.met ? 'met' : 'NOT met'}`);
      log(`  server memory per subscriber ${live.memoryPerSubscriberKiB} KiB (RSS of both instances)\n`);
    } else {
      log('live: measured with --pg (two instances need PostgreSQL LISTEN/NOTIFY)\n');
    }

    const report = {
      date: new Date().toISOString(),
      machine,
      database: usePostgres ? 'postgres' : 'sqlite',
      reactions: TOTAL_REACTIONS,
      roundSeconds: ROUND_SECONDS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      graphqlQueries: { without: graphqlQuery(false), with: graphqlQuery(true) },
      pairs: pairs.map((p, i) => ({ ...p, ratio: Number(goals[i].ratio.toFixed(3)), goal: goals[i].goal, met: goals[i].met(goals[i].ratio) })),
      cacheable: [
        ...cacheable.map((p) => ({ name: p.name, a: p.a, b: p.b, ratio: Number(p.ratio.toFixed(3)), goal: p.goal, met: p.met(p.ratio) })),
        { name: 'article list with tallies vs without', ratio: Number(goals[0].ratio.toFixed(3)), goal: '>= 0.95', met: goals[0].ratio >= 0.95 },
      ],
      live,
    };
    const file = path.join(APP_DIR, 'bench', `report-${report.database}${million ? '-1m' : ''}.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`Report written to ${path.relative(APP_DIR, file)}`);
  } finally {
    withTallies.child.kill('SIGTERM');
    withoutTallies.child.kill('SIGTERM');
  }
};

if (args.has('--trends')) {
  // The trends query as the table grows from 10k to 1M reactions: bench/trends.js.
  const run = spawnSync(process.execPath, [path.join(__dirname, 'trends.js'), ...(usePostgres ? ['--pg'] : [])], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
} else {
  runBenchmark(path.join(__dirname, 'run.js'), main);
}
