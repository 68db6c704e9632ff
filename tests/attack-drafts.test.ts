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

const restProbes = () => {
  const { storyId, draftOnlyId, videoDraftId } = target.seeded;
  return [
    '/api/articles',
    '/api/articles?status=draft',
    '/api/articles?status=DRAFT',
    '/api/articles?populate=*',
    '/api/articles?populate=*&status=draft',
    '/api/articles?populate=localizations',
    '/api/articles?populate=localizations&status=draft',
    '/api/articles?populate[localizations][populate]=*',
    '/api/articles?populate[localizations][fields][0]=title&populate[localizations][fields][1]=lead',
    '/api/articles?locale=*',
    '/api/articles?locale=*&status=draft',
    '/api/articles?locale=fr',
    '/api/articles?locale=fr&status=draft',
    '/api/articles?filters[title][$contains]=EMBARGOED',
    '/api/articles?filters[localizations][title][$contains]=EMBARGOED&populate=localizations',
    `/api/articles/${storyId}`,
    `/api/articles/${storyId}?status=draft`,
    `/api/articles/${storyId}?locale=fr`,
    `/api/articles/${storyId}?locale=fr&status=draft`,
    `/api/articles/${storyId}?populate=*&status=draft`,
    `/api/articles/${storyId}?populate=localizations&status=draft`,
    `/api/articles/${storyId}?locale=*`,
    `/api/articles/${draftOnlyId}`,
    `/api/articles/${draftOnlyId}?status=draft`,
    `/api/articles/${draftOnlyId}/reactions`,
    `/api/reaction-tallies?documentIds=${storyId},${draftOnlyId},${videoDraftId}`,
    '/api/videos?status=draft',
    `/api/videos/${videoDraftId}?status=draft`,
  ];
};

const graphqlProbes = () => {
  const { storyId, draftOnlyId } = target.seeded;
  return [
    '{ articles(status: DRAFT) { documentId title lead localizations { title lead } } }',
    '{ articles { title localizations { title lead } } }',
    '{ articles(locale: "fr") { title } }',
    '{ articles(locale: "fr", status: DRAFT) { title } }',
    `{ article(documentId: "${storyId}", status: DRAFT) { title localizations { title } } }`,
    `{ article(documentId: "${storyId}", locale: "fr") { title } }`,
    `{ article(documentId: "${draftOnlyId}", status: DRAFT) { title } }`,
    '{ articles_connection(status: DRAFT) { nodes { title localizations { title } } } }',
    '{ articles_connection { nodes { localizations_connection { nodes { title } } } } }',
    '{ videos(status: DRAFT) { title } }',
    `{ reactionTallies(documentIds: ["${draftOnlyId}"]) { documentId total } }`,
  ];
};

describe.each([
  ['the public', () => ({})],
  ['a signed-in reader', () => ({ Authorization: `Bearer ${jwt}` })],
])('%s', (_who, headers) => {
  it('gets no draft text from any REST path', async () => {
    const leaks: string[] = [];
    for (const path of restProbes()) {
      const res = await request(url).get(path).set(headers());
      expect(res.status).toBeLessThan(500);
      if (JSON.stringify(res.body).includes(SECRET)) leaks.push(path);
    }
    expect(leaks).toEqual([]);
  });

  it('gets no draft text from any GraphQL field', async () => {
    const leaks: string[] = [];
    for (const query of graphqlProbes()) {
      const res = await request(url).post('/graphql').set(headers()).send({ query });
      expect(res.status).toBeLessThan(500);
      if (JSON.stringify(res.body).includes(SECRET)) leaks.push(query);
    }
    expect(leaks).toEqual([]);
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
