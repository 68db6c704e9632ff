/**
 * Attack: read an embargoed story. A published English article has an edited English draft and a
 * draft-only French locale; a second article exists only as a draft. Every REST and GraphQL path
 * a reader (public or signed in) could try answers without a word of the drafts; an API token
 * still gets them, for previews. Against a production server process.
 */
import request from 'supertest';
import { registerUser } from './helpers/content';
import { createApiToken, startSeededServer, type SeededServer } from './helpers/seeded-server';

const SECRET = 'EMBARGOED';

type Seeded = { storyId: string; draftOnlyId: string; videoDraftId: string; apiToken: string };

let target: SeededServer<Seeded>;
let url: string;
let jwt: string;

beforeAll(async () => {
  target = await startSeededServer('drafts', async (strapi) => {
    const locales = strapi.plugin('i18n').service('locales');
    if (!(await locales.findByCode('fr'))) await locales.create({ code: 'fr', name: 'French (fr)' });
    const articles = strapi.documents('api::article.article');
    const story = await articles.create({
      data: { title: 'Harbour reopens to ferries', lead: 'Public lead.' } as never,
      locale: 'en',
      status: 'published',
    });
    // An edit in progress on the published English story, and a French version never published.
    await articles.update({ documentId: story.documentId, locale: 'en', data: { title: `${SECRET} new English headline` } as never });
    await articles.update({ documentId: story.documentId, locale: "fr", data: { title: `${SECRET} titre français`, lead: `${SECRET} chapeau` } as never });
    const draftOnly = await articles.create({ data: { title: `${SECRET} draft-only story`, lead: `${SECRET} lead` } as never, locale: 'en' });
    const video = await strapi
      .documents('api::video.video')
      .create({ data: { title: `${SECRET} unreleased clip`, videoUrl: 'https://video.example.test/x.mp4' } as never });
    return { storyId: story.documentId, draftOnlyId: draftOnly.documentId, videoDraftId: video.documentId, apiToken: await createApiToken(strapi) };
  });
  url = target.server.url;
  jwt = (await registerUser(url)).jwt;
});
afterAll(async () => {
  await target?.stop();
});

/** Each REST path a reader might try, with the exact answer: its status and, for lists, how many documents. */
const restProbes = (): Array<[string, number, number | null]> => {
  const { storyId, draftOnlyId, videoDraftId } = target.seeded;
  return [
    ['/api/articles', 200, 1],
    ['/api/articles?status=draft', 200, 1],
    ['/api/articles?status=DRAFT', 200, 1],
    ['/api/articles?populate=*', 200, 1],
    ['/api/articles?populate=*&status=draft', 200, 1],
    ['/api/articles?populate=localizations', 200, 1],
    ['/api/articles?populate=localizations&status=draft', 200, 1],
    ['/api/articles?populate[localizations][populate]=*', 200, 1],
    ['/api/articles?populate[localizations][fields][0]=title&populate[localizations][fields][1]=lead', 200, 1],
    ['/api/articles?locale=*', 200, 1],
    ['/api/articles?locale=*&status=draft', 200, 1],
    ['/api/articles?locale=fr', 200, 0],
    ['/api/articles?locale=fr&status=draft', 200, 0],
    // Filters are oracles: a match on draft text must find nothing, or the answer spells the draft.
    ['/api/articles?filters[title][$contains]=EMBARGOED', 200, 0],
    ['/api/articles?filters[title][$contains]=EMBARGOED&status=draft', 200, 0],
    ['/api/articles?filters[localizations][title][$contains]=EMBARGOED&populate=localizations', 200, 0],
    ['/api/articles?filters[localizations][lead][$startsWith]=EMBARGOED', 200, 0],
    ['/api/articles?filters[$or][0][localizations][title][$contains]=EMBARGOED&filters[$or][1][title][$eq]=nothing', 200, 0],
    ['/api/articles?filters[$not][localizations][title][$contains]=EMBARGOED', 200, 1],
    ['/api/articles?filters[title][$contains]=Harbour', 200, 1],
    [`/api/articles/${storyId}`, 200, null],
    [`/api/articles/${storyId}?status=draft`, 200, null],
    [`/api/articles/${storyId}?locale=fr`, 404, null],
    [`/api/articles/${storyId}?locale=fr&status=draft`, 404, null],
    [`/api/articles/${storyId}?populate=*&status=draft`, 200, null],
    [`/api/articles/${storyId}?populate=localizations&status=draft`, 200, null],
    [`/api/articles/${storyId}?locale=*`, 404, null],
    [`/api/articles/${draftOnlyId}`, 404, null],
    [`/api/articles/${draftOnlyId}?status=draft`, 404, null],
    [`/api/articles/${draftOnlyId}/reactions`, 404, null],
    [`/api/reaction-tallies?documentIds=${storyId},${draftOnlyId},${videoDraftId}`, 200, 1],
    ['/api/videos?status=draft', 200, 0],
    [`/api/videos/${videoDraftId}?status=draft`, 404, null],
  ];
};

/** Each GraphQL query a reader might try, with the exact data it must answer. */
const graphqlProbes = (): Array<[string, unknown]> => {
  const { storyId, draftOnlyId } = target.seeded;
  const published = { title: 'Harbour reopens to ferries', localizations: [] };
  return [
    [
      '{ articles(status: DRAFT) { documentId title lead localizations { title lead } } }',
      { articles: [{ documentId: storyId, title: published.title, lead: 'Public lead.', localizations: [] }] },
    ],
    ['{ articles { title localizations { title lead } } }', { articles: [published] }],
    ['{ articles(locale: "fr") { title } }', { articles: [] }],
    ['{ articles(locale: "fr", status: DRAFT) { title } }', { articles: [] }],
    [`{ article(documentId: "${storyId}", status: DRAFT) { title localizations { title } } }`, { article: published }],
    [`{ article(documentId: "${storyId}", locale: "fr") { title } }`, { article: null }],
    [`{ article(documentId: "${draftOnlyId}", status: DRAFT) { title } }`, { article: null }],
    ['{ articles_connection(status: DRAFT) { nodes { title localizations { title } } } }', { articles_connection: { nodes: [published] } }],
    ['{ articles_connection { nodes { localizations_connection { nodes { title } } } } }', { articles_connection: { nodes: [{ localizations_connection: { nodes: [] } }] } }],
    ['{ videos(status: DRAFT) { title } }', { videos: [] }],
    [`{ reactionTallies(documentIds: ["${draftOnlyId}"]) { documentId total } }`, { reactionTallies: [] }],
    // Filters are oracles: a match on draft text must find nothing.
    ['{ articles(filters: { title: { contains: "EMBARGOED" } }) { documentId } }', { articles: [] }],
    ['{ articles(filters: { localizations: { title: { contains: "EMBARGOED" } } }) { documentId } }', { articles: [] }],
    ['{ articles(filters: { or: [{ localizations: { lead: { contains: "EMBARGOED" } } }] }) { documentId } }', { articles: [] }],
    ['{ articles_connection(filters: { localizations: { title: { contains: "EMBARGOED" } } }) { nodes { documentId } } }', { articles_connection: { nodes: [] } }],
    ['{ articles(filters: { title: { contains: "Harbour" } }) { documentId } }', { articles: [{ documentId: storyId }] }],
  ];
};

describe.each([
  ['the public', () => ({})],
  ['a signed-in reader', () => ({ Authorization: `Bearer ${jwt}` })],
])('%s', (_who, headers) => {
  it('gets no draft text, and no answer that depends on it, from any REST path', async () => {
    const answers: Array<[string, number, number | null, boolean]> = [];
    for (const [path] of restProbes()) {
      const res = await request(url).get(path).set(headers());
      const count = Array.isArray(res.body.data) ? res.body.data.length : null;
      answers.push([path, res.status, count, JSON.stringify(res.body).includes(SECRET)]);
    }
    expect(answers).toEqual(restProbes().map(([path, status, count]) => [path, status, count, false]));
  });

  it('gets no draft text, and no answer that depends on it, from any GraphQL field', async () => {
    const answers: Array<[string, number, unknown]> = [];
    for (const [query] of graphqlProbes()) {
      const res = await request(url).post('/graphql').set(headers()).send({ query });
      answers.push([query, res.status, res.body.errors ?? res.body.data]);
    }
    expect(answers).toEqual(graphqlProbes().map(([query, data]) => [query, 200, data]));
  });

  it('is still served the published story, with its tally', async () => {
    const { storyId } = target.seeded;
    const res = await request(url).get(`/api/articles/${storyId}`).set(headers());
    expect(res.status).toBe(200);
    expect(res.body.data.title).toBe('Harbour reopens to ferries');
    expect(res.body.data.reactionTally).toMatchObject({ documentId: storyId, total: 0 });
    const gql = await request(url)
      .post('/graphql')
      .set(headers())
      .send({ query: `{ article(documentId: "${storyId}") { title reactionTally { total } } }` });
    expect(gql.body.data.article).toEqual({ title: 'Harbour reopens to ferries', reactionTally: { total: 0 } });
  });
});

describe('an API token (previews)', () => {
  it('keeps full access to drafts and draft-only locales', async () => {
    const { storyId, draftOnlyId, apiToken } = target.seeded;
    const auth = { Authorization: `Bearer ${apiToken}` };
    const fr = await request(url).get(`/api/articles/${storyId}?locale=fr&status=draft`).set(auth);
    expect([fr.status, fr.body?.error?.message]).toEqual([200, undefined]);
    expect(fr.body.data.title).toBe(`${SECRET} titre français`);
    const en = await request(url).get(`/api/articles/${storyId}?status=draft`).set(auth);
    expect(en.body.data.title).toBe(`${SECRET} new English headline`);
    const gql = await request(url)
      .post('/graphql')
      .set(auth)
      .send({ query: `{ article(documentId: "${draftOnlyId}", status: DRAFT) { title } }` });
    expect(gql.body.data.article.title).toBe(`${SECRET} draft-only story`);
  });
});
