import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/strapi';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('smoke');
});
afterAll(async () => {
  await app?.stop();
});

it('boots', async () => {
  const res = await request(app.url).get('/api/reaction-kinds');
  expect(res.status).toBe(200);
  console.log(JSON.stringify(res.body));
});
