/**
 * Rule 5: no public response reveals who reacted — no user ids, emails, IPs, reactor tokens or
 * reader keys — whatever the client asks for (populate=*, filters on private fields, GraphQL).
 */
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';
import { createArticle, putReaction, registerUser } from './helpers/content';
import { gql } from './helpers/graphql';

let app: TestApp;
let articleId: string;
let secrets: string[];

beforeAll(async () => {
  app = await startTestApp('privacy');
  articleId = await createArticle(app.strapi, { title: 'Privacy story' });
  const anonymous = await putReaction(app.url, articleId, 'love');
  const token = anonymous.headers['x-reactor-token'] as string;
  const { jwt, user } = await registerUser(app.url, 'privacyreader');
  await putReaction(app.url, articleId, 'sad', { jwt });
  const rows = await app.strapi.db.connection('reader_reactions').select('reader_key', 'document_id');
  secrets = [
    token,
    token.split('.')[0],
    user.email,
    ...rows.map((row: { reader_key: string }) => row.reader_key),
    ...rows.map((row: { document_id: string }) => row.document_id),
  ];
});
afterAll(async () => {
  await app?.stop();
});

const expectNoSecrets = (body: unknown, { echoesInput = false } = {}) => {
  const text = JSON.stringify(body);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/127\.0\.0\.1|::ffff/);
  // A 400 may name the private field the client itself asked for; a success never shows one.
  if (!echoesInput) expect(text).not.toMatch(/readerKey|reader_key|readerType|targetDocumentId/);
};

const PUBLIC_GETS = [
  () => `/api/articles`,
  () => `/api/articles?populate=*`,
  () => `/api/articles/${articleId}?populate=*`,
  () => `/api/articles?populate[reactions]=*`,
  () => `/api/articles/${articleId}/reactions`,
  () => `/api/reaction-tallies?documentIds=${articleId}`,
  () => `/api/reaction-kinds`,
  () => `/api/articles?filters[reactions][readerKey][$notNull]=true`,
  () => `/api/articles?filters[readerKey][$eq]=x`,
  () => `/api/articles?sort=readerKey:asc`,
  () => `/api/articles?fields[0]=readerKey`,
  () => `/api/reactions`,
  () => `/api/reactions?populate=*`,
  () => `/api/users`,
];

it.each(PUBLIC_GETS.map((path, i) => [i, path]))('REST GET #%i leaks no reader identity', async (_i, path) => {
  const res = await request(app.url).get(path());
  expect(res.status).toBeLessThan(500);
  expectNoSecrets(res.body, { echoesInput: res.status === 400 });
  expectNoSecrets(res.headers);
});

it('filters on private fields do not reveal anything through the result set', async () => {
  const all = await request(app.url).get('/api/articles?filters[title][$eq]=Privacy story');
  const probing = await request(app.url).get('/api/articles?filters[title][$eq]=Privacy story&filters[readerKey][$startsWith]=a');
  // Refused because the key is not the public's to filter on, not for some unrelated reason.
  expect(all.status).toBe(200);
  expect(all.body.data.length).toBe(1);
  expect(probing.status).toBe(400);
  expect(probing.body.error).toMatchObject({ name: 'ValidationError', details: { key: 'readerKey', param: 'filters' } });
});

it('GraphQL reveals no reader identity', async () => {
  for (const query of [
    `{ articles { documentId reactionTally { total mine counts { like love sad } } } }`,
    `{ reactionTallies(documentIds: ["${articleId}"]) { documentId total mine } }`,
    `{ reactions { readerKey kind } }`,
    `{ usersPermissionsUsers { email } }`,
  ]) {
    const res = await gql(app.url, query);
    expect(res.status).toBeLessThan(500);
    expectNoSecrets(res.body, { echoesInput: Boolean(res.body.errors) });
  }
});

it('webhook and event payloads carry no reader identity', async () => {
  const events: unknown[] = [];
  const listener = async (...args: unknown[]) => {
    events.push(args);
  };
  app.strapi.eventHub.on('reaction.created', listener);
  try {
    const res = await putReaction(app.url, articleId, 'wow');
    secrets.push(res.headers['x-reactor-token'] as string);
    const rows = await app.strapi.db.connection('reader_reactions').select('reader_key');
    secrets.push(...rows.map((row: { reader_key: string }) => row.reader_key));
  } finally {
    app.strapi.eventHub.removeListener('reaction.created', listener);
  }
  expect(events).toHaveLength(1);
  expectNoSecrets(events);
});
