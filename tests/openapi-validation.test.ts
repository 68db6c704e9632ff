/**
 * The OpenAPI document, fetched over HTTP as a client gets it, passes two maintained validators:
 * @apidevtools/swagger-parser (the document against the official OpenAPI 3.1 JSON schema, and
 * every $ref resolved) and @redocly/openapi-core's `recommended` ruleset (structure, plus the
 * lint rules a published API is held to) with no error and no warning.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { startTestApp, type TestApp } from './helpers/strapi';

let app: TestApp;
let source: string;

beforeAll(async () => {
  app = await startTestApp('openapi');
  const res = await fetch(`${app.url}/api/reactions/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  source = await res.text();
});
afterAll(async () => {
  await app?.stop();
});

/** One line per problem: severity, rule, where, and what, so a failure says what to fix. */
const describeProblem = (problem: NormalizedProblem) =>
  `${problem.severity} ${problem.ruleId} at ${problem.location.map((loc) => loc.pointer ?? '').join(', ')}: ${problem.message}`;

it('is a valid OpenAPI 3.1 document to swagger-parser, every $ref resolved', async () => {
  const document = JSON.parse(source);
  expect(document.openapi).toMatch(/^3\.1\./);
  // validate() dereferences in place: give it a copy.
  const validated = await SwaggerParser.validate(structuredClone(document));
  expect(Object.keys(validated.paths ?? {}).sort()).toEqual(Object.keys(document.paths).sort());
});

it('passes Redocly\'s recommended ruleset with no error and no warning', async () => {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
  expect(problems.map(describeProblem)).toEqual([]);
});
