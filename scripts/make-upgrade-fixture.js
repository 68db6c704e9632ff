#!/usr/bin/env node
/**
 * Makes an upgrade fixture: a small SQLite database written by the app code in <appDir> (at an
 * older commit: tests/fixtures/pre-plugin from the layout before reactions moved into a plugin,
 * tests/fixtures/round-2 from the plugin before its tables were prefixed), and readers.json, which says what a
 * later upgrade test must find in it: the documents, their public tallies, and each reader's
 * identity with its own reaction per document.
 *
 *   cd <worktree at the pre-plugin commit> && node /path/to/make-upgrade-fixture.js <appDir> <outDir> [description]
 *
 * Compiles <appDir> with compileStrapi, boots it in-process on <outDir>/data.db with the same
 * environment as tests/helpers/strapi.ts (TEST_ENV), creates content through the Document Service,
 * and makes every reaction over real HTTP on 127.0.0.1. Then it destroys Strapi, checkpoints,
 * switches the file out of WAL mode and VACUUMs it, so only data.db is left.
 *
 * A test that boots on the fixture should copy data.db to a temporary directory first and boot
 * with the `env` recorded in readers.json (APP_KEYS signs the reactor tokens).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const [appDirArg, outDirArg, descriptionArg] = process.argv.slice(2);
if (!appDirArg || !outDirArg) {
  console.error('usage: node scripts/make-upgrade-fixture.js <appDir> <outDir> [description]');
  process.exit(2);
}
const appDir = path.resolve(appDirArg);
const outDir = path.resolve(outDirArg);
const dbFile = path.join(outDir, 'data.db');

// The same values as TEST_ENV in tests/helpers/strapi.ts, plus the database.
const FIXTURE_ENV = {
  NODE_ENV: 'test',
  STRAPI_TELEMETRY_DISABLED: 'true',
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  HOST: '127.0.0.1',
  APP_KEYS: 'test-key-one,test-key-two',
  API_TOKEN_SALT: 'test-api-token-salt',
  ADMIN_JWT_SECRET: 'test-admin-jwt-secret',
  JWT_SECRET: 'test-jwt-secret',
  TRANSFER_TOKEN_SALT: 'test-transfer-token-salt',
  ENCRYPTION_KEY: 'test-encryption-key',
  REACTIONS_RATE_LIMIT: '0',
  REACTIONS_NEW_READERS_PER_ADDRESS: '0',
  SEED_SAMPLE_CONTENT: 'false',
};
Object.assign(process.env, FIXTURE_ENV, { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: dbFile });

// Resolved from the app, so the app's own Strapi and better-sqlite3 are used.
const requireFromApp = (id) => require(require.resolve(id, { paths: [appDir] }));

const fail = (message) => {
  throw new Error(message);
};
const assertEqual = (actual, expected, what) => {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
};

const gitHead = () => {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: appDir, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};

const main = async () => {
  fs.mkdirSync(outDir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(dbFile + suffix, { force: true });

  const strapiPkg = requireFromApp('@strapi/strapi/package.json');
  const { compileStrapi, createStrapi } = requireFromApp('@strapi/strapi');
  await compileStrapi({ appDir });

  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  await strapi.load();
  strapi.server.mount();
  const httpServer = strapi.server.httpServer;
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${httpServer.address().port}`;

  // The app's config before the plugin; the plugin's seven defaults after (the newsroom lists none).
  const configured = strapi.config.get('reactions.kinds') ?? strapi.config.get('plugin::reactions.kinds');
  const kinds = configured ? configured.map(({ kind }) => kind) : ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'];

  // --- Content -------------------------------------------------------------------------------
  const locales = strapi.plugin('i18n').service('locales');
  if (!(await locales.findByCode('fr'))) await locales.create({ code: 'fr', name: 'French (fr)' });

  const articles = strapi.documents('api::article.article');
  const videos = strapi.documents('api::video.video');

  const a1 = await articles.create({
    data: { title: 'Harbour bridge reopens', lead: 'Traffic flows again after repairs.', category: 'World' },
    locale: 'en',
    status: 'published',
  });
  await articles.update({
    documentId: a1.documentId,
    locale: 'fr',
    data: { title: 'Le pont du port rouvre', lead: 'La circulation reprend après les travaux.' },
    status: 'published',
  });
  // An unpublished draft edit beside the published English version.
  await articles.update({
    documentId: a1.documentId,
    locale: 'en',
    data: { title: 'Harbour bridge reopens after repairs' },
  });
  const a2 = await articles.create({
    data: { title: 'Library extends opening hours', lead: 'Open until ten on weekdays.', category: 'Culture' },
    status: 'published',
  });
  const a3 = await articles.create({
    data: { title: 'Local team wins the cup', lead: 'A late goal settles the final.', category: 'Sport' },
    status: 'published',
  });
  const v1 = await videos.create({
    data: {
      title: 'Night ferry crossing',
      summary: 'Two minutes aboard the last ferry.',
      videoUrl: 'https://videos.example.test/night-ferry.mp4',
      durationSeconds: 124,
      byline: 'Fixture desk',
    },
    status: 'published',
  });

  const documents = {
    A1: { uid: 'api::article.article', path: 'articles', documentId: a1.documentId },
    A2: { uid: 'api::article.article', path: 'articles', documentId: a2.documentId },
    A3: { uid: 'api::article.article', path: 'articles', documentId: a3.documentId },
    V1: { uid: 'api::video.video', path: 'videos', documentId: v1.documentId },
  };
  const docNames = Object.keys(documents);

  // --- HTTP helpers --------------------------------------------------------------------------
  const call = async (method, urlPath, { reader, body } = {}) => {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (reader?.jwt) headers.authorization = `Bearer ${reader.jwt}`;
    if (reader?.token) headers['x-reactor-token'] = reader.token;
    const res = await fetch(url + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, body: json, text };
  };
  const reactionsPath = (doc) => `/api/${documents[doc].path}/${documents[doc].documentId}/reactions`;

  // --- Readers -------------------------------------------------------------------------------
  const readers = {};
  const expectedMine = {}; // reader name -> doc name -> kind
  const register = async (name, username) => {
    const email = `${username}@example.test`;
    const password = `Fixture-pass-${name}-2024`;
    const res = await call('POST', '/api/auth/local/register', { body: { username, email, password } });
    if (res.status !== 200) fail(`register ${name}: ${res.status} ${res.text}`);
    readers[name] = { type: 'user', username, email, password, userId: res.body.user.id, jwt: res.body.jwt };
    expectedMine[name] = {};
  };
  await register('U1', 'fixture_reader_one');
  await register('U2', 'fixture_reader_two');

  const react = async (name, doc, kind, expectStatus) => {
    const reader = readers[name];
    const res = await call('PUT', reactionsPath(doc), { reader, body: { data: { kind } } });
    if (res.status !== expectStatus) fail(`${name} PUT ${doc} ${kind}: expected ${expectStatus}, got ${res.status} ${res.text}`);
    if (res.body.data.mine !== kind) fail(`${name} PUT ${doc}: mine ${res.body.data.mine}`);
    expectedMine[name][doc] = kind;
    return res;
  };
  const clear = async (name, doc) => {
    const res = await call('DELETE', reactionsPath(doc), { reader: readers[name] });
    if (res.status !== 200) fail(`${name} DELETE ${doc}: ${res.status} ${res.text}`);
    if (res.body.data.mine !== null) fail(`${name} DELETE ${doc}: mine ${res.body.data.mine}`);
    delete expectedMine[name][doc];
    return res;
  };
  // An anonymous reader's first write carries no token; the server issues one.
  const newAnonymous = async (name, doc, kind) => {
    readers[name] = { type: 'anonymous' };
    expectedMine[name] = {};
    const res = await react(name, doc, kind, 201);
    const token = res.headers.get('x-reactor-token');
    if (!token) fail(`${name}: no X-Reactor-Token on the first write`);
    readers[name].token = token;
  };

  await newAnonymous('N1', 'A1', 'like');
  await newAnonymous('N2', 'A1', 'funny');
  await newAnonymous('N3', 'A2', 'dislike');
  await newAnonymous('N4', 'V1', 'love');
  await newAnonymous('N5', 'A3', 'angry');

  await react('N1', 'A2', 'love', 201);
  await react('N1', 'V1', 'wow', 201);
  await react('N2', 'A1', 'sad', 200); // switch funny -> sad
  await react('N2', 'A3', 'like', 201);
  await react('N3', 'V1', 'like', 201);
  await clear('N3', 'V1'); // clear
  await react('N4', 'A1', 'love', 201);
  await react('N5', 'A3', 'wow', 200); // switch angry -> wow
  await react('N5', 'A1', 'like', 201);

  await react('U1', 'A1', 'love', 201);
  await react('U1', 'A2', 'like', 201);
  await react('U1', 'V1', 'love', 201);
  await react('U1', 'A2', 'funny', 200); // switch like -> funny
  await react('U2', 'A1', 'like', 201);
  await react('U2', 'A1', 'like', 200); // the same kind again: unchanged
  await react('U2', 'A3', 'sad', 201);
  await react('U2', 'V1', 'like', 201);
  await clear('U2', 'A3'); // clear

  // --- Read back -----------------------------------------------------------------------------
  const expectedCounts = (doc) => {
    const counts = Object.fromEntries(kinds.map((kind) => [kind, 0]));
    for (const name of Object.keys(readers)) {
      const kind = expectedMine[name][doc];
      if (kind) counts[kind] += 1;
    }
    return counts;
  };

  const tallies = {};
  for (const doc of docNames) {
    const res = await call('GET', reactionsPath(doc));
    if (res.status !== 200) fail(`GET ${doc}: ${res.status} ${res.text}`);
    const { documentId, total, counts, mine } = res.body.data;
    assertEqual(documentId, documents[doc].documentId, `${doc} documentId`);
    assertEqual(mine, null, `${doc} anonymous mine`);
    assertEqual(counts, expectedCounts(doc), `${doc} counts`);
    assertEqual(total, Object.values(counts).reduce((a, b) => a + b, 0), `${doc} total`);
    tallies[doc] = { documentId, total, counts };
  }

  const mineByReader = {};
  for (const [name, reader] of Object.entries(readers)) {
    mineByReader[name] = {};
    for (const doc of docNames) {
      const res = await call('GET', reactionsPath(doc), { reader });
      if (res.status !== 200) fail(`GET ${doc} as ${name}: ${res.status} ${res.text}`);
      assertEqual(res.body.data.counts, tallies[doc].counts, `${doc} counts as ${name}`);
      assertEqual(res.body.data.mine, expectedMine[name][doc] ?? null, `${doc} mine as ${name}`);
      mineByReader[name][documents[doc].documentId] = res.body.data.mine;
    }
  }

  // Titles each locale serves publicly, for the record.
  const publicTitle = async (doc, locale) => {
    const res = await call('GET', `/api/${documents[doc].path}/${documents[doc].documentId}?locale=${locale}`);
    return res.status === 200 ? res.body.data.title : null;
  };
  const a1Titles = { en: await publicTitle('A1', 'en'), fr: await publicTitle('A1', 'fr') };
  assertEqual(a1Titles, { en: 'Harbour bridge reopens', fr: 'Le pont du port rouvre' }, 'A1 public titles');

  // Row counts straight from the database, before it is closed.
  const db = strapi.db.connection;
  const versionRows = async (table, documentId) =>
    (await db(table).where('document_id', documentId).orderBy('id').select('locale', 'published_at', 'title')).map((row) => ({
      locale: row.locale,
      status: row.published_at ? 'published' : 'draft',
      title: row.title,
    }));
  const versions = {};
  for (const doc of docNames) {
    const table = documents[doc].path;
    versions[doc] = await versionRows(table, documents[doc].documentId);
  }
  const count = async (table) => Number((await db(table).count({ n: '*' }))[0].n);
  const rowCounts = {};
  for (const table of ['reactions', 'reaction_counters', 'reactions_article_lnk', 'reactions_user_lnk', 'articles', 'videos', 'up_users']) {
    rowCounts[table] = await count(table);
  }

  await strapi.destroy();

  // --- Compact the file ----------------------------------------------------------------------
  const Database = requireFromApp('better-sqlite3');
  const sqlite = new Database(dbFile);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.pragma('journal_mode = DELETE');
  sqlite.exec('VACUUM');
  sqlite.close();
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (fs.existsSync(dbFile + suffix)) fail(`${dbFile}${suffix} was left behind`);
  }

  // --- readers.json --------------------------------------------------------------------------
  const byPath = (p) => docNames.filter((doc) => documents[doc].path === p).map((doc) => documents[doc].documentId);
  const fixture = {
    description:
      `${descriptionArg ?? 'Written by the pre-plugin app (reactions as src/api/reaction).'} Copy data.db elsewhere before booting on it, with \`env\` below; ` +
      'every tally and every reader\'s `mine` must read back the same after the upgrade.',
    madeBy: 'scripts/make-upgrade-fixture.js',
    appCommit: gitHead(),
    strapiVersion: strapiPkg.version,
    createdAt: new Date().toISOString(),
    env: FIXTURE_ENV,
    kinds,
    targets: {
      articles: { uid: 'api::article.article', path: 'articles', documentIds: byPath('articles') },
      videos: { uid: 'api::video.video', path: 'videos', documentIds: byPath('videos') },
    },
    documents: docNames.map((doc) => ({
      name: doc,
      uid: documents[doc].uid,
      path: documents[doc].path,
      documentId: documents[doc].documentId,
      versions: versions[doc],
      ...(doc === 'A1' ? { publicTitles: a1Titles, note: 'published en and fr, plus a newer unpublished en draft' } : {}),
    })),
    tallies: docNames.map((doc) => tallies[doc]),
    readers: Object.entries(readers).map(([name, reader]) => ({
      name,
      type: reader.type,
      ...(reader.type === 'user'
        ? { username: reader.username, email: reader.email, password: reader.password }
        : { token: reader.token }),
      mine: mineByReader[name],
    })),
    rowCounts,
  };
  fs.writeFileSync(path.join(outDir, 'readers.json'), `${JSON.stringify(fixture, null, 2)}\n`);

  console.log(`wrote ${dbFile} (${fs.statSync(dbFile).size} bytes) and ${path.join(outDir, 'readers.json')}`);
  console.log(JSON.stringify(rowCounts));
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
