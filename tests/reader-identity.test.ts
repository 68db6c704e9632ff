/**
 * Reader trust (API.md, third round): a 401 says why in `error.details.reason`, so a client can
 * tell "this reactor token is not ours" (forget it) from "your sign-in expired" (keep it); and a
 * reader's key survives adding or reordering APP_KEYS.
 */
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { UNAUTHORIZED_REASONS } from '../src/plugins/reactions/shared/contract';
import { createArticle } from './helpers/content';
import { createTestDatabase } from './helpers/database';
import { gql } from './helpers/graphql';
import { bootStrapi, TEST_ENV, type TestApp } from './helpers/strapi';

const FOREIGN_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

let app: TestApp;
let articleId: string;
let token: string;

const expiredJwt = () => jwt.sign({ id: 1 }, TEST_ENV.JWT_SECRET, { expiresIn: -60 });
const reasonOf = (body: { error?: { details?: { reason?: string } } }) => body.error?.details?.reason;

beforeAll(async () => {
  app = await bootStrapi(await createTestDatabase('reader-identity'));
  articleId = await createArticle(app.strapi, { title: 'A story for identity' });
  const first = await request(app.url).put(`/api/articles/${articleId}/reactions`).send({ data: { kind: 'love' } });
  expect(first.status).toBe(201);
  token = String(first.headers['x-reactor-token']);
});
afterAll(async () => {
  await app?.stop();
});

describe('a 401 says why', () => {
  it('names a reactor token this server did not sign, on every route that reads one', async () => {
    const answers = await Promise.all([
      request(app.url).put(`/api/articles/${articleId}/reactions`).set('X-Reactor-Token', FOREIGN_TOKEN).send({ data: { kind: 'sad' } }),
      request(app.url).get(`/api/articles/${articleId}/reactions`).set('X-Reactor-Token', FOREIGN_TOKEN),
      request(app.url).get('/api/reactions/mine').set('X-Reactor-Token', FOREIGN_TOKEN),
      request(app.url).delete('/api/reactions/mine').set('Cookie', `reactor_token=${FOREIGN_TOKEN}`),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.name).toBe('UnauthorizedError');
      expect(reasonOf(answer.body)).toBe(UNAUTHORIZED_REASONS.tokenInvalid);
    }
  });

  it('names an expired or forged JWT, even with a good reactor token beside it, and never calls the token bad', async () => {
    const expired = expiredJwt();
    const forged = jwt.sign({ id: 1 }, 'not-our-secret');
    const answers = await Promise.all([
      request(app.url).get('/api/reactions/mine').set('Authorization', `Bearer ${expired}`).set('X-Reactor-Token', token),
      request(app.url).put(`/api/articles/${articleId}/reactions`).set('Authorization', `Bearer ${forged}`).set('X-Reactor-Token', token).send({ data: { kind: 'sad' } }),
      request(app.url).get(`/api/articles/${articleId}/reactions`).set('Authorization', `Bearer ${expired}`).set('X-Reactor-Token', token),
      request(app.url).get('/api/reactions/mine').set('Authorization', 'Token nonsense').set('X-Reactor-Token', token),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(reasonOf(answer.body)).toBe(UNAUTHORIZED_REASONS.jwtInvalid);
    }
    // The token still works, and its reaction is untouched.
    const mine = await request(app.url).get(`/api/articles/${articleId}/reactions`).set('X-Reactor-Token', token);
    expect(mine.status).toBe(200);
    expect(mine.body.data.mine).toBe('love');
  });

  it('names a missing identity where one is needed', async () => {
    const erase = await request(app.url).delete('/api/reactions/mine');
    expect(erase.status).toBe(401);
    expect(reasonOf(erase.body)).toBe(UNAUTHORIZED_REASONS.identityMissing);
    const claim = await request(app.url).post('/api/reactions/claim').set('X-Reactor-Token', token);
    expect(claim.status).toBe(401);
    expect(reasonOf(claim.body)).toBe(UNAUTHORIZED_REASONS.identityMissing);
  });

  it('says the same over GraphQL, with the HTTP status', async () => {
    const forged = await gql(app.url, `mutation { react(documentId: "${articleId}", kind: like) { total } }`, {}, { token: FOREIGN_TOKEN });
    const error = forged.body.errors?.[0]?.extensions?.error;
    expect(error).toMatchObject({ name: 'UnauthorizedError', status: 401, details: { reason: UNAUTHORIZED_REASONS.tokenInvalid } });

    const expired = await gql(app.url, '{ myReactions { data { documentId } } }', {}, { jwt: expiredJwt(), token });
    const reasons = JSON.stringify(expired.body);
    expect(reasons).toContain(UNAUTHORIZED_REASONS.jwtInvalid);
    expect(reasons).not.toContain(UNAUTHORIZED_REASONS.tokenInvalid);
  });
});

describe('reader keys and APP_KEYS', () => {
  it('keeps every reader when APP_KEYS gains a key and is reordered', async () => {
    const database = app.database;
    await app.stop({ keepDatabase: true });
    app = await bootStrapi(database, { env: { APP_KEYS: 'a-brand-new-key,test-key-two,test-key-one' } });
    const mine = await request(app.url).get(`/api/articles/${articleId}/reactions`).set('X-Reactor-Token', token);
    expect(mine.status).toBe(200);
    expect(mine.body.data.mine).toBe('love');
    const own = await request(app.url).get('/api/reactions/mine').set('X-Reactor-Token', token);
    expect(own.body.data).toHaveLength(1);
  });
});
