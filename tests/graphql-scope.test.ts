/**
 * The plugin's GraphQL guards cover its own fields and its targets; the rest of a host's schema is
 * the host's (REVIEW.md: the limits and the published-only rule applied to the whole schema,
 * breaking a host's own large queries). `graphqlGuardWholeSchema` extends them to everything, as
 * the newsroom app does.
 */
import type { Core } from '@strapi/strapi';
import { createArticle } from './helpers/content';
import { gql } from './helpers/graphql';
import { startTestApp, type TestApp } from './helpers/strapi';

// 30 aliases of a host field: over the plugin's alias limit (20).
const aliased = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const HOST_QUERY = aliased(30, 'i18NLocales { code }');

// A host as create-strapi-app makes it: the plugin's defaults, and no GraphQL error formatter of its own.
const scoped = (strapi: Core.Strapi) => {
  strapi.config.set('plugin::reactions.graphqlGuardWholeSchema', false);
  const { formatError: _ours, ...apollo } = strapi.config.get('plugin::graphql.apolloServer') as Record<string, unknown>;
  strapi.config.set('plugin::graphql.apolloServer', apollo);
};

const grantLocaleList = async (strapi: Core.Strapi) => {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
  await strapi.db.query('plugin::users-permissions.permission').create({ data: { action: 'plugin::i18n.locales.listLocales', role: role.id } });
};

describe('scoped guards (the default in a host)', () => {
  let app: TestApp;
  let published: string;
  beforeAll(async () => {
    app = await startTestApp('graphql-scope', { configure: scoped });
    await grantLocaleList(app.strapi);
    published = await createArticle(app.strapi, { title: 'Harbour ferry returns', published: true });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('leaves a host\'s 30-alias query on its own type alone', async () => {
    const res = await gql(app.url, HOST_QUERY);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.a29).toEqual([{ code: 'en' }]);
  });

  it('still refuses too many aliases of the plugin\'s fields and of a target', async () => {
    for (const field of [`reactionTallies(documentIds: ["${published}"]) { total }`, 'articles { title }']) {
      const res = await gql(app.url, aliased(30, field));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(/aliases/i);
    }
  });

  it('counts only the plugin\'s mutations against its per-request limit', async () => {
    const reacts = Array.from({ length: 11 }, (_, i) => `m${i}: react(documentId: "${published}", kind: like) { total }`).join(' ');
    const res = await gql(app.url, `mutation { ${reacts} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toMatchObject({ details: { max: 10, received: 11 } });
  });

  it('gives the plugin\'s errors the HTTP status REST would answer with', async () => {
    const missing = await gql(app.url, 'mutation { react(documentId: "nosuchdocumentatall00000", kind: like) { total } }');
    expect(missing.body.errors[0].extensions.error).toMatchObject({ status: 404, name: 'NotFoundError' });
    const forged = await gql(app.url, `{ reactionTallies(documentIds: ["${published}"]) { total } }`, {}, { token: 'forged.token' });
    expect(forged.body.errors[0].extensions.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
  });

  it('keeps drafts of a target private', async () => {
    const draft = await createArticle(app.strapi, { title: 'Embargoed harbour plan', published: false });
    const res = await gql(app.url, '{ articles(status: DRAFT) { documentId title } }');
    expect(res.status).toBe(200);
    const ids = res.body.data.articles.map((a: { documentId: string }) => a.documentId);
    expect(ids).toContain(published);
    expect(ids).not.toContain(draft);
  });
});

describe('whole-schema guards (graphqlGuardWholeSchema, the newsroom\'s choice)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('graphql-scope-whole');
    await grantLocaleList(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('refuses the same host query', async () => {
    const res = await gql(app.url, HOST_QUERY);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/aliases/i);
  });
});
