/**
 * The OpenAPI parts for trends and editorial control, merged into the plugin's document by
 * openapi.ts. Pure, like it.
 */
type Json = Record<string, unknown>;

export const ref = (name: string, section = 'schemas') => ({ $ref: `#/components/${section}/${name}` });

const errorExample = (status: number, name: string, message: string, details: Json = {}) => ({
  value: { data: null, error: { status, name, message, details } },
});

export const trendsPaths = (kinds: string[], pluralNames: string[]): Json => ({
  '/api/reaction-trends': {
    get: {
      tags: ['Tallies and kinds'],
      operationId: 'getReactionTrends',
      summary: 'Published documents ranked by reactions within a window',
      description: [
        'A reaction counts in the window when it was set or last switched within it (its `updatedAt`); a cleared reaction counts nowhere.',
        'Only published documents of the target appear. Ranked by reactions in the window (of `kind` when given; documents without that kind are left out), ties by `documentId` ascending.',
        '`counts` are the counts within the window, every configured kind present. `meta.since` and `meta.until` are ISO timestamps (`until` is now).',
        'Identity-free (no `mine`) and public: each distinct query\'s answer is kept for 30 s (in the server\'s memory, then by shared caches for what is left of it: `Cache-Control: public, max-age=<at most 30>`), with a strong `ETag` and 304 to a matching `If-None-Match`.',
        'Each client address may ask `REACTIONS_TRENDS_RATE_LIMIT` (default 60) trend queries a minute, REST and GraphQL together; past it, 429 with `Retry-After`.',
        'Any other query parameter, a repeated one or a bracketed one is a 400.',
        'GraphQL: `reactionTrends(target, window, kind, limit)`, windows there named `h1 h24 d7 d30`.',
      ].join(' '),
      security: [{}],
      parameters: [
        {
          name: 'target',
          in: 'query',
          description: `A reaction target's pluralName; default the first configured target (\`${pluralNames[0] ?? ''}\`).`,
          schema: { type: 'string', enum: pluralNames },
        },
        { name: 'window', in: 'query', description: 'Default `24h`.', schema: { type: 'string', enum: ['1h', '24h', '7d', '30d'], default: '24h' } },
        { name: 'kind', in: 'query', description: 'Rank by this kind only.', schema: ref('ReactionKind') },
        { name: 'limit', in: 'query', description: 'How many documents, 1 to 50; default 10.', schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } },
        { name: 'If-None-Match', in: 'header', required: false, description: 'An ETag from an earlier answer: 304 while it is current.', schema: { type: 'string' } },
      ],
      responses: {
        '200': {
          description: 'The ranking.',
          headers: {
            'Cache-Control': { description: '`public, max-age=<at most 30>`: what is left of the kept answer\'s 30 s.', schema: { type: 'string' } },
            ETag: { description: 'A strong validator of the body.', schema: { type: 'string' } },
          },
          content: {
            'application/json': {
              schema: ref('TrendsResponse'),
              example: {
                data: [{ documentId: 'lmh0ha971s5xsdtc4rv1vzqa', total: 2, counts: Object.fromEntries(kinds.map((kind, i) => [kind, i === 0 ? 2 : 0])) }],
                meta: { target: pluralNames[0] ?? '', window: '24h', since: '2026-03-09T12:00:00.000Z', until: '2026-03-10T12:00:00.000Z', kind: null, limit: 10 },
              },
            },
          },
        },
        '400': {
          description: 'Unknown target, window, kind or parameter, or a limit outside 1 to 50.',
          content: {
            'application/json': {
              schema: ref('ErrorEnvelope'),
              examples: {
                badWindow: errorExample(400, 'ValidationError', 'window must be one of 1h, 24h, 7d, 30d', { allowed: ['1h', '24h', '7d', '30d'] }),
                badLimit: errorExample(400, 'ValidationError', 'limit must be an integer from 1 to 50', { min: 1, max: 50 }),
                unknownParameter: errorExample(400, 'ValidationError', 'Unknown query parameters', { unexpected: ['sort'], allowed: ['target', 'window', 'kind', 'limit'] }),
              },
            },
          },
        },
        '304': { description: 'The client\'s copy (If-None-Match) is current: no body.' },
        '429': ref('TooManyRequests', 'responses'),
      },
    },
  },
});

export const trendsSchemas = (): Json => ({
  ReactionTrend: {
    type: 'object',
    description: 'One published document in a trend; `counts` within the window, `total` their sum.',
    properties: { documentId: { type: 'string' }, total: { type: 'integer', minimum: 1 }, counts: ref('ReactionCounts') },
    required: ['documentId', 'total', 'counts'],
    additionalProperties: false,
  },
  TrendsResponse: {
    type: 'object',
    properties: {
      data: { type: 'array', items: ref('ReactionTrend') },
      meta: {
        type: 'object',
        properties: {
          target: { type: 'string' },
          window: { type: 'string', enum: ['1h', '24h', '7d', '30d'] },
          since: { type: 'string', format: 'date-time' },
          until: { type: 'string', format: 'date-time' },
          kind: { oneOf: [ref('ReactionKind'), { type: 'null' }] },
          limit: { type: 'integer' },
        },
        required: ['target', 'window', 'since', 'until', 'kind', 'limit'],
      },
    },
    required: ['data', 'meta'],
  },
});

/** The tally's editorial fields. */
export const editorialTallyProperties = (): Json => ({
  closed: { type: 'boolean', description: 'Editors closed reactions on this document: the tally stays visible, writes answer 403.' },
  kinds: {
    type: 'array',
    items: ref('ReactionKind'),
    description: 'The kinds this document offers, in configured order (every configured kind unless editors restricted them). `counts` still has every kind.',
  },
});

export const forbiddenResponse = (): Json => ({
  description: 'Editors closed reactions on this document.',
  content: {
    'application/json': {
      schema: ref('ErrorEnvelope'),
      examples: { closed: errorExample(403, 'ForbiddenError', 'Reactions are closed on this document', { closed: true }) },
    },
  },
});
