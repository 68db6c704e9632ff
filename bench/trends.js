#!/usr/bin/env node
/**
 * `node bench/trends.js [--pg]` (also `npm run bench -- --trends`): does the trends query stay
 * flat as the reactions table grows? Seeds 100 published articles and 10k reactions, of which a
 * fixed 2,000 were given within the last 24 hours (the rest 40 to 400 days ago), measures
 * `GET /api/reaction-trends?window=24h` (the trends service's one SQL query, in process, p50 of
 * 300 calls), then grows the table to 1M reactions (all older than 30 days) and measures again.
 * Prints both p50s and the ratio 1M / 10k and writes bench/report-trends-<database>.json.
 */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { BENCH_ENV, runBenchmark } = require('./environment');

const APP_DIR = path.resolve(__dirname, '..');
const WORK_DIR = path.join(APP_DIR, 'bench', '.work-trends');
const usePostgres = process.argv.includes('--pg');
const KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];
const RECENT = 2_000;
const DAY = 86_400_000;
const CALLS = 300;

const env = BENCH_ENV;

const databaseEnv = () => {
  if (!usePostgres) {
    fs.rmSync(WORK_DIR, { recursive: true, force: true });
    fs.mkdirSync(WORK_DIR, { recursive: true });
    return { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(WORK_DIR, 'trends.db') };
  }
  return { DATABASE_CLIENT: 'postgres', DATABASE_NAME: `reactions_trends_${crypto.randomBytes(3).toString('hex')}` };
};

/** PostgreSQL: a fresh database on the server scripts/with-postgres.mjs (or DATABASE_HOST) names. */
const createPostgresDatabase = async (name) => {
  const { Client } = require('pg');
  const client = new Client({
    host: process.env.DATABASE_HOST,
    port: Number(process.env.DATABASE_PORT || 5432),
    user: process.env.DATABASE_USERNAME || 'strapi',
    password: process.env.DATABASE_PASSWORD || 'strapi',
    database: 'postgres',
  });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
};

const p50 = async (work) => {
  for (let i = 0; i < 20; i += 1) await work(); // warm up
  const times = [];
  for (let i = 0; i < CALLS; i += 1) {
    const start = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
};

const main = async () => {
  Object.assign(process.env, env, databaseEnv());
  if (usePostgres) await createPostgresDatabase(process.env.DATABASE_NAME);
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: path.join(APP_DIR, 'dist') }).load();
  try {
    const articles = [];
    for (let i = 0; i < 100; i += 1) {
      const doc = await strapi.documents('api::article.article').create({ data: { title: `Trend story ${i + 1}`, lead: 'Lead.' }, status: 'published' });
      articles.push(doc.documentId);
    }
    const knex = strapi.db.connection;
    const now = Date.now();
    const batchSize = usePostgres ? 5000 : 500;
    let seeded = 0;
    // Counters are not needed: trends read reaction rows only.
    const seed = async (count, when) => {
      for (let start = 0; start < count; start += batchSize) {
        const rows = [];
        for (let i = start; i < Math.min(count, start + batchSize); i += 1) {
          const at = new Date(when(seeded + i));
          rows.push({
            document_id: crypto.randomBytes(12).toString('hex'),
            kind: KINDS[(seeded + i) % KINDS.length],
            reader_type: 'anonymous',
            target_type: 'api::article.article',
            target_document_id: articles[(seeded + i) % articles.length],
            reader_key: crypto.randomBytes(18).toString('base64url'),
            created_at: at,
            updated_at: at,
            published_at: at,
          });
        }
        await knex('reader_reactions').insert(rows);
      }
      seeded += count;
    };
    const recent = (i) => now - ((i * 7919) % (23 * 3_600_000));
    const old = (i) => now - 40 * DAY - ((i * 104729) % (360 * DAY));
    await seed(RECENT, recent);
    await seed(10_000 - RECENT, old);
    const trends = strapi.plugin('reactions').service('trends');
    const query = () => trends.top(trends.parse({ target: 'articles', window: '24h' }));
    const check = await query();
    const inWindow = check.data.reduce((sum, entry) => sum + entry.total, 0);
    const small = await p50(query);
    console.log(`10k reactions (${RECENT} in the window; the top ${check.data.length} hold ${inWindow}): p50 ${small.toFixed(2)} ms`);
    await seed(1_000_000 - seeded, old);
    const again = await query();
    if (JSON.stringify(again.data) !== JSON.stringify(check.data)) throw new Error('the ranking changed although no reaction was added to the window');
    const large = await p50(query);
    console.log(`1M reactions (still ${RECENT} in the window): p50 ${large.toFixed(2)} ms`);
    const ratio = large / small;
    console.log(`ratio 1M / 10k: ${ratio.toFixed(2)} (flat means about 1; the query reads only the window's rows through (target_type, updated_at))`);
    const report = {
      date: new Date().toISOString(),
      database: usePostgres ? 'postgres' : 'sqlite',
      inWindow: RECENT,
      topTenTotal: inWindow,
      calls: CALLS,
      p50Ms: { at10k: Number(small.toFixed(3)), at1m: Number(large.toFixed(3)) },
      ratio: Number(ratio.toFixed(3)),
    };
    fs.writeFileSync(path.join(APP_DIR, 'bench', `report-trends-${report.database}.json`), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await strapi.destroy();
    if (!usePostgres) fs.rmSync(WORK_DIR, { recursive: true, force: true });
  }
};

runBenchmark(path.join(__dirname, 'trends.js'), main);
