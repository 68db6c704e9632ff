/**
 * The reaction endpoints as an OpenAPI 3.1 document, built at run time from the plugin's config
 * (kinds, targets, anonymous switch, write limit), so the spec can never drift from the config.
 * Served at `GET /api/reactions/openapi.json` (routes/content-api.ts); the newsroom app renders
 * it for people at `/api-docs/`, offline.
 *
 * Pure: takes plain settings, returns a plain object (its unit test builds it without Strapi).
 */
import type { KindInfo } from '../../../shared/contract';
import { OWN_REACTIONS_TAG, ownReactionParameters, ownReactionPaths, ownReactionSchemas } from './openapi-own-reactions';
import { addCacheableTallies } from './cacheable-openapi';
import { forbiddenResponse, trendsPaths } from './openapi-trends';
import { tallySchemas } from './openapi-tally-schemas';

export type OpenApiTarget = { pluralName: string; singularName: string; displayName: string };

export type OpenApiSettings = {
  kinds: KindInfo[];
  targets: OpenApiTarget[];
  anonymous: boolean;
  rateLimit: number;
  maxBatchIds: number;
  bodyLimit: string;
  version: string;
  /** REACTIONS_TALLY_MAX_AGE, for the caching notes (cacheable-openapi.ts). */
  tallyMaxAge?: number;
};

type Json = Record<string, unknown>;

const ref = (name: string, section = 'schemas') => ({ $ref: `#/components/${section}/${name}` });

/** What a reader's write (set or clear) may be refused with, besides a bad body. */
const writeRefusals = {
  '401': ref('Unauthorized', 'responses'),
  '403': ref('Forbidden', 'responses'),
  '404': ref('NotFound', 'responses'),
  '413': ref('PayloadTooLarge', 'responses'),
  '429': ref('TooManyRequests', 'responses'),
};

const pascal = (value: string) =>
  value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

const json = (schema: Json, extra: Json = {}) => ({ 'application/json': { schema, ...extra } });

const errorExample = (status: number, name: string, message: string, details: Json = {}) => ({
  data: null,
  error: { status, name, message, details },
});

const errorResponse = (description: string, examples: Record<string, ReturnType<typeof errorExample>>, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json(ref('ErrorEnvelope'), {
    examples: Object.fromEntries(Object.entries(examples).map(([key, value]) => [key, { value }])),
  }),
});

export const buildOpenApiDocument = (settings: OpenApiSettings): Json => {
  const kinds = settings.kinds.map(({ kind }) => kind);
  const exampleCounts = Object.fromEntries(kinds.map((kind, index) => [kind, [3, 0, 2, 0, 0, 1, 1][index] ?? 0]));
  const exampleTotal = Object.values(exampleCounts).reduce((sum, count) => sum + count, 0);
  const exampleTally = { documentId: 'lmh0ha971s5xsdtc4rv1vzqa', total: exampleTotal, counts: exampleCounts, mine: kinds[0], closed: false, kinds };
  const [firstTarget] = settings.targets;
  const example = firstTarget ? `/api/${firstTarget.pluralName}/lmh0ha971s5xsdtc4rv1vzqa/reactions` : '';

  const readerSecurity = [{}, { bearerAuth: [] }, { reactorToken: [] }, { reactorCookie: [] }];

  const tallyOk = (description: string) => ({
    description,
    content: json(ref('TallyResponse'), { example: { data: exampleTally } }),
  });
  const issuedTokenHeaders = {
    'X-Reactor-Token': ref('XReactorToken', 'headers'),
    'Set-Cookie': ref('SetReactorCookie', 'headers'),
  };

  const targetPaths = Object.fromEntries(
    settings.targets.map((target) => {
      const name = pascal(target.singularName);
      const tag = `${target.displayName} reactions`;
      return [
        `/api/${target.pluralName}/{documentId}/reactions`,
        {
          parameters: [ref('DocumentId', 'parameters')],
          get: {
            tags: [tag],
            operationId: `get${name}Reactions`,
            summary: `One ${target.displayName.toLowerCase()}'s tally`,
            description: '`mine` is the calling reader\'s kind, or `null` when the caller has not reacted or is not identified.',
            security: readerSecurity,
            responses: {
              '200': tallyOk('The tally.'),
              '401': ref('Unauthorized', 'responses'),
              '404': ref('NotFound', 'responses'),
            },
          },
          put: {
            tags: [tag],
            operationId: `set${name}Reaction`,
            summary: "Set (or switch) the reader's reaction",
            description: [
              'A reader has at most one reaction per document. Setting a different kind moves it:',
              'the old kind goes down by one and the new one up by one, atomically.',
              settings.anonymous
                ? 'Without a JWT or reactor token the server issues a new anonymous token, returned in the `X-Reactor-Token` header and the `reactor_token` cookie; send it back on later requests.'
                : 'Anonymous reactions are switched off on this server: a JWT is required.',
            ].join(' '),
            security: readerSecurity,
            requestBody: {
              required: true,
              content: json(ref('SetReactionRequest'), { example: { data: { kind: kinds[0] } } }),
            },
            responses: {
              '200': { ...tallyOk('Changed, or the reader already had that kind.'), headers: issuedTokenHeaders },
              '201': { ...tallyOk('Created: the reader had no reaction on this document.'), headers: issuedTokenHeaders },
              '400': ref('ValidationError', 'responses'),
              ...writeRefusals,
            },
          },
          delete: {
            tags: [tag],
            operationId: `clear${name}Reaction`,
            summary: "Remove the reader's reaction",
            description: 'Succeeds with the tally also when the reader had no reaction.',
            security: readerSecurity,
            responses: {
              '200': { ...tallyOk('Removed (or there was nothing to remove).'), headers: issuedTokenHeaders },
              ...writeRefusals,
            },
          },
        },
      ];
    })
  );

  const limitText =
    settings.rateLimit > 0
      ? `${settings.rateLimit} reaction writes per reader per minute (REST and GraphQL together; \`REACTIONS_RATE_LIMIT\`)`
      : 'switched off on this server (`REACTIONS_RATE_LIMIT=0`)';

  return addCacheableTallies({
    openapi: '3.1.0',
    info: {
      title: 'Newsroom reactions API',
      version: settings.version,
      summary: 'Readers react to stories: like, dislike, love, ... with exact tallies.',
      description: [
        'The reaction endpoints of this Strapi project. Strapi\'s own content endpoints (`GET /api/articles`, ...) are unchanged,',
        'except that every item of a reaction target carries `reactionTally` (a `ReactionTally`).',
        '',
        `**Kinds** (from \`config/reactions.ts\`, in display order): ${settings.kinds.map(({ kind, emoji }) => `${emoji} \`${kind}\``).join(', ')}.`,
        '',
        '**Readers.** Either a signed-in users-permissions user (`Authorization: Bearer <jwt>` from `POST /api/auth/local`)',
        settings.anonymous
          ? 'or an anonymous reader holding a reactor token the server issued on their first write (`X-Reactor-Token` header or `reactor_token` cookie). A token this server did not sign gets 401.'
          : 'Anonymous reactions are switched off on this server (`REACTIONS_ANONYMOUS=false`): writes without a JWT get 401.',
        '',
        `**Write limit**: ${limitText}; over it, 429 with \`Retry-After\`. **Body limit**: ${settings.bodyLimit} (413 above).`,
        '',
        'No response reveals who reacted; a reader only ever learns their own reaction (`mine`).',
        'Every error uses Strapi\'s envelope `{ "data": null, "error": { "status", "name", "message", "details" } }`.',
        '',
        `GraphQL (\`POST /graphql\`) offers the same operations: \`reactionTallies\`, \`reactionKinds\`, \`react\`, \`unreact\`, \`reactionTally\` on each target, and a reader's own reactions: \`myReactions\`, \`forgetMyReactions\`, \`claimReactions\`. ${
          example ? `Example: \`PUT ${example}\` with \`{ "data": { "kind": "${kinds[0]}" } }\`.` : ''
        }`,
      ].join('\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      ...settings.targets.map((target) => ({ name: `${target.displayName} reactions`, description: `Reactions on ${target.pluralName}.` })),
      { name: 'Tallies and kinds', description: 'Read-only helpers for lists and for building a reaction bar.' },
      OWN_REACTIONS_TAG,
    ],
    paths: {
      ...targetPaths,
      ...trendsPaths(
        kinds,
        settings.targets.map((target) => target.pluralName)
      ),
      '/api/reaction-tallies': {
        get: {
          tags: ['Tallies and kinds'],
          operationId: 'getReactionTallies',
          summary: `Tallies of up to ${settings.maxBatchIds} documents at once`,
          description: 'In the order asked; unknown or unpublished ids are left out.',
          security: readerSecurity,
          parameters: [ref('DocumentIds', 'parameters')],
          responses: {
            '200': {
              description: 'The tallies.',
              content: json(ref('TalliesResponse'), { example: { data: [exampleTally] } }),
            },
            '400': ref('ValidationError', 'responses'),
            '401': ref('Unauthorized', 'responses'),
          },
        },
      },
      ...ownReactionPaths(settings, kinds),
      '/api/reaction-kinds': {
        get: {
          tags: ['Tallies and kinds'],
          operationId: 'getReactionKinds',
          summary: 'The configured kinds in display order',
          security: [{}],
          responses: {
            '200': {
              description: 'The kinds.',
              content: json(ref('KindsResponse'), { example: { data: settings.kinds.map(({ kind, label, emoji }) => ({ kind, label, emoji })) } }),
            },
            '405': errorResponse('Only GET is allowed here.', {
              methodNotAllowed: errorExample(405, 'MethodNotAllowedError', 'POST is not allowed here'),
            }),
          },
        },
      },
    },
    components: {
      schemas: {
        ...tallySchemas(kinds, exampleCounts, exampleTally),
        ...ownReactionSchemas(),
        ErrorEnvelope: {
          type: 'object',
          description: 'Strapi\'s error envelope, used by every error response.',
          properties: {
            data: { type: 'null' },
            error: {
              type: 'object',
              properties: {
                status: { type: 'integer', description: 'The HTTP status, repeated.' },
                name: {
                  type: 'string',
                  description: 'Strapi\'s error class name.',
                  examples: ['ValidationError', 'UnauthorizedError', 'NotFoundError', 'PayloadTooLargeError', 'RateLimitError'],
                },
                message: { type: 'string' },
                details: { type: 'object', additionalProperties: true },
              },
              required: ['status', 'name', 'message'],
            },
          },
          required: ['data', 'error'],
        },
      },
      parameters: {
        DocumentId: {
          name: 'documentId',
          in: 'path',
          required: true,
          description: 'The documentId of a published document (letters, digits, `-` and `_`).',
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
        },
        ...ownReactionParameters(settings),
        DocumentIds: {
          name: 'documentIds',
          in: 'query',
          required: true,
          description: `Comma-separated documentIds, at most ${settings.maxBatchIds}.`,
          schema: { type: 'string' },
          example: 'lmh0ha971s5xsdtc4rv1vzqa,x7k2p0qm4d1c9v8b3n5z6a0s',
        },
      },
      headers: {
        XReactorToken: {
          description: 'Only when this request issued a new anonymous reactor token. Keep it and send it back as `X-Reactor-Token`.',
          schema: { type: 'string' },
        },
        SetReactorCookie: {
          description: 'Only when a token was issued: `reactor_token=<token>; path=/; httponly; samesite=lax` (one year).',
          schema: { type: 'string' },
        },
        ClearReactorCookie: {
          description: 'After a claim, when the cookie held the claimed token: `reactor_token=; path=/; max-age=0` (the account now owns its reactions).',
          schema: { type: 'string' },
        },
        RetryAfter: {
          description: 'Seconds to wait before the next write.',
          schema: { type: 'integer', minimum: 1 },
        },
      },
      responses: {
        Forbidden: forbiddenResponse(),
        ValidationError: errorResponse('The request is invalid: unknown kind, missing `data.kind`, extra fields, malformed JSON, bad or too many ids.', {
          unknownKind: errorExample(400, 'ValidationError', `Unknown reaction kind; allowed: ${kinds.join(', ')}`, { allowed: kinds }),
          kindNotOffered: errorExample(400, 'ValidationError', `This document does not offer the kind "${kinds[kinds.length - 1]}"`, {
            allowed: kinds.slice(0, -1),
          }),
          extraField: errorExample(400, 'ValidationError', 'Only data.kind may be sent', { unexpected: ['data.user'] }),
          malformedJson: errorExample(400, 'ValidationError', 'Malformed JSON in the request body'),
          tooManyIds: errorExample(400, 'ValidationError', `At most ${settings.maxBatchIds} documentIds at once`, {
            max: settings.maxBatchIds,
            received: settings.maxBatchIds + 1,
          }),
        }),
        Unauthorized: errorResponse(
          'error.details.reason says why: reactor-token-invalid (the reactor token was not signed by this server: forget it), jwt-invalid (the JWT or Authorization header was refused: keep the reactor token), anonymous-off (anonymous writes are switched off and no JWT was sent) or identity-missing.',
          {
            badToken: errorExample(401, 'UnauthorizedError', 'Invalid reactor token: it was not issued by this server', { reason: 'reactor-token-invalid' }),
            badJwt: errorExample(401, 'UnauthorizedError', 'Missing or invalid credentials', { reason: 'jwt-invalid' }),
            anonymousOff: errorExample(401, 'UnauthorizedError', 'Sign in to react: anonymous reactions are switched off', { reason: 'anonymous-off' }),
          }
        ),
        NotFound: errorResponse('No published document with this documentId (unknown, draft-only or deleted).', {
          notFound: errorExample(404, 'NotFoundError', 'No published document with this documentId'),
        }),
        PayloadTooLarge: errorResponse(`The request body is larger than ${settings.bodyLimit}.`, {
          tooLarge: errorExample(413, 'PayloadTooLargeError', 'The request body is larger than this server accepts'),
        }),
        TooManyRequests: errorResponse(
          'More writes than the configured rate from this client.',
          {
            rateLimited: errorExample(429, 'RateLimitError', 'Too many reactions from this client; try again later.', { retryAfter: 42 }),
          },
          { 'Retry-After': ref('RetryAfter', 'headers') }
        ),
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A users-permissions JWT from `POST /api/auth/local`.',
        },
        reactorToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Reactor-Token',
          description: 'The anonymous reader token the server issued on the first write.',
        },
        reactorCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'reactor_token',
          description: 'The same token as an httpOnly cookie (SameSite=Lax), sent by browsers on same-site requests.',
        },
      },
    },
  }, settings);
};
