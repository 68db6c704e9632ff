/**
 * The OpenAPI part for a reader's own reactions (`/api/reactions/mine`, `/api/reactions/claim`),
 * spread into the document by openapi.ts. Pure, like the rest of the builder.
 */
import type { KindInfo } from '../../../shared/contract';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../utils/pagination';

type Json = Record<string, unknown>;
type Settings = { kinds: KindInfo[]; targets: Array<{ pluralName: string }>; rateLimit: number; maxBatchIds: number; anonymous: boolean };

const ref = (name: string, section = 'schemas') => ({ $ref: `#/components/${section}/${name}` });
const json = (schema: Json, extra: Json = {}) => ({ 'application/json': { schema, ...extra } });

const error = (description: string, examples: Record<string, [number, string, string, Json?]>) => ({
  description,
  content: json(ref('ErrorEnvelope'), {
    examples: Object.fromEntries(
      Object.entries(examples).map(([key, [status, name, message, details]]) => [key, { value: { data: null, error: { status, name, message, details: details ?? {} } } }])
    ),
  }),
});

export const OWN_REACTIONS_TAG = {
  name: 'Your reactions',
  description: "A reader's own reactions: list them, erase them, and move an anonymous reader's reactions to their account on sign-in.",
};

export const ownReactionPaths = (settings: Settings, kinds: string[]): Json => {
  const tags = [OWN_REACTIONS_TAG.name];
  const target = settings.targets[0]?.pluralName ?? 'articles';
  const example = { target, documentId: 'lmh0ha971s5xsdtc4rv1vzqa', kind: kinds[0], updatedAt: '2026-05-04T09:12:33.120Z' };
  const readLimit =
    settings.rateLimit > 0
      ? `Each call counts against a read budget of ${settings.rateLimit * 10} a minute per reader (ten times the write limit); past it, 429 with \`Retry-After\`.`
      : 'The read budget is off on this server, with the write limit.';
  const writeLimit = settings.rateLimit > 0 ? 'Counts as one write against the write limit.' : '';
  return {
    '/api/reactions/mine': {
      get: {
        tags,
        operationId: 'getMyReactions',
        summary: "The caller's own reactions, newest first",
        description: [
          'The reactions of the calling reader (JWT, or reactor token header or cookie), newest first (by when they were set or last',
          'switched), on published documents of every reaction target, configured kinds only; drafts and deleted documents are left out.',
          'Paginated like Strapi lists. A caller with no identity at all gets an empty page (a reader without a token has no',
          'reactions); a token this server did not sign, or a malformed `Authorization` header, gets 401.',
          `Never cached by shared caches (\`Cache-Control: private, no-store\`). ${readLimit}`,
        ].join(' '),
        security: [{}, { bearerAuth: [] }, { reactorToken: [] }, { reactorCookie: [] }],
        parameters: [ref('PaginationPage', 'parameters'), ref('PaginationPageSize', 'parameters'), ref('MineDocumentIds', 'parameters')],
        responses: {
          '200': {
            description: 'One page of the caller\'s reactions.',
            content: json(ref('OwnReactionsResponse'), {
              example: { data: [example], meta: { pagination: { page: 1, pageSize: DEFAULT_PAGE_SIZE, pageCount: 1, total: 1 } } },
            }),
          },
          '400': error('Bad pagination, or too many documentIds.', {
            badPageSize: [400, 'ValidationError', `pagination[pageSize] must be an integer from 1 to ${MAX_PAGE_SIZE}`, { pageSize: { min: 1, max: MAX_PAGE_SIZE } }],
            tooManyIds: [400, 'ValidationError', `At most ${settings.maxBatchIds} documentIds at once`, { max: settings.maxBatchIds, received: settings.maxBatchIds + 1 }],
          }),
          '401': ref('Unauthorized', 'responses'),
          '429': ref('TooManyRequests', 'responses'),
        },
      },
      delete: {
        tags,
        operationId: 'forgetMyReactions',
        summary: "Erase all of the caller's reactions",
        description: [
          'Erases every reaction of the calling reader (on drafts too); tallies follow at once, and one `reaction.deleted` event is',
          'emitted per erased reaction. Without any identity: 401 (no token is issued). Succeeds with `removed: 0` when there was',
          `nothing to erase. ${writeLimit}`,
        ].join(' '),
        security: [{ bearerAuth: [] }, { reactorToken: [] }, { reactorCookie: [] }],
        responses: {
          '200': { description: 'How many reactions were erased.', content: json(ref('ForgetResponse'), { example: { data: { removed: 3 } } }) },
          '401': ref('Unauthorized', 'responses'),
          '429': ref('TooManyRequests', 'responses'),
        },
      },
    },
    '/api/reactions/claim': {
      post: {
        tags,
        operationId: 'claimReactions',
        summary: "Move an anonymous reader's reactions to the signed-in account",
        description: [
          'Needs both the account (`Authorization: Bearer <jwt>`; without it 401) and the anonymous reader\'s token (`X-Reactor-Token`',
          'header or `reactor_token` cookie; without it 400, a token this server did not sign 401). The token\'s reactions become the',
          'account\'s, keeping their kind and time; where both had reacted to the same document, the account\'s reaction stays and the',
          'anonymous one is dropped (one `reaction.deleted` event each). Tallies stay exact throughout. Idempotent: a second claim',
          'answers `moved: 0, dropped: 0`. The response clears the `reactor_token` cookie when it held the claimed token; clients',
          `should forget the token too. Works whether or not anonymous reactions are switched on. No request body. ${writeLimit}`,
        ].join(' '),
        security: [
          { bearerAuth: [], reactorToken: [] },
          { bearerAuth: [], reactorCookie: [] },
        ],
        responses: {
          '200': {
            description: 'Moved and dropped reactions.',
            headers: { 'Set-Cookie': ref('ClearReactorCookie', 'headers') },
            content: json(ref('ClaimResponse'), { example: { data: { moved: 4, dropped: 1 } } }),
          },
          '400': error('A JWT came, but no reactor token to claim.', {
            noToken: [400, 'ValidationError', "Send the anonymous reader's token to claim (the X-Reactor-Token header or the reactor_token cookie)"],
          }),
          '401': error('No JWT (or one this server did not sign, or whose user no longer exists), or a reactor token this server did not sign.', {
            noJwt: [401, 'UnauthorizedError', 'Sign in to claim reactions: send Authorization: Bearer <jwt>', { reason: 'identity-missing' }],
            badJwt: [401, 'UnauthorizedError', 'Missing or invalid credentials', { reason: 'jwt-invalid' }],
            badToken: [401, 'UnauthorizedError', 'Invalid reactor token: it was not issued by this server', { reason: 'reactor-token-invalid' }],
          }),
          '429': ref('TooManyRequests', 'responses'),
        },
      },
    },
  };
};

export const ownReactionSchemas = (): Json => ({
  OwnReaction: {
    type: 'object',
    description: 'One of the caller\'s own reactions.',
    properties: {
      target: { type: 'string', description: 'The target\'s plural name, as in `/api/<target>/{documentId}/reactions`.' },
      documentId: { type: 'string' },
      kind: ref('ReactionKind'),
      updatedAt: { type: 'string', format: 'date-time', description: 'When the reader set or last switched it.' },
    },
    required: ['target', 'documentId', 'kind', 'updatedAt'],
    additionalProperties: false,
  },
  PagePagination: {
    type: 'object',
    description: 'Strapi\'s page-based pagination meta.',
    properties: {
      page: { type: 'integer', minimum: 1 },
      pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
      pageCount: { type: 'integer', minimum: 0 },
      total: { type: 'integer', minimum: 0 },
    },
    required: ['page', 'pageSize', 'pageCount', 'total'],
  },
  OwnReactionsResponse: {
    type: 'object',
    properties: {
      data: { type: 'array', items: ref('OwnReaction') },
      meta: { type: 'object', properties: { pagination: ref('PagePagination') }, required: ['pagination'] },
    },
    required: ['data', 'meta'],
  },
  ForgetResponse: {
    type: 'object',
    properties: { data: { type: 'object', properties: { removed: { type: 'integer', minimum: 0 } }, required: ['removed'] } },
    required: ['data'],
  },
  ClaimResponse: {
    type: 'object',
    properties: {
      data: {
        type: 'object',
        properties: {
          moved: { type: 'integer', minimum: 0, description: 'Reactions that are now the account\'s.' },
          dropped: { type: 'integer', minimum: 0, description: 'Anonymous reactions removed because the account had reacted to the same document.' },
        },
        required: ['moved', 'dropped'],
      },
    },
    required: ['data'],
  },
});

export const ownReactionParameters = (settings: Settings): Json => ({
  PaginationPage: {
    name: 'pagination[page]',
    in: 'query',
    required: false,
    description: 'The page, from 1 (default 1).',
    schema: { type: 'integer', minimum: 1, default: 1 },
  },
  PaginationPageSize: {
    name: 'pagination[pageSize]',
    in: 'query',
    required: false,
    description: `Reactions per page, at most ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); anything else is a 400.`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  },
  MineDocumentIds: {
    name: 'documentIds',
    in: 'query',
    required: false,
    description: `Narrows the list to these documents: comma-separated documentIds, at most ${settings.maxBatchIds}.`,
    schema: { type: 'string' },
  },
});
