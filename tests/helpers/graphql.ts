import request from 'supertest';
import type { Auth } from './content';
import { withAuth } from './content';

export const gql = (url: string, query: string, variables: Record<string, unknown> = {}, auth: Auth = {}) =>
  withAuth(request(url).post('/graphql').send({ query, variables }), auth);

export const TALLY_FIELDS = 'documentId total mine counts { like dislike love funny angry sad wow }';
