/**
 * The OpenAPI side of "Cacheable and live tallies": public caching of identity-free tally reads
 * (ETag, 304, Cache-Control, Vary) and the live stream `GET /api/reaction-stream`. Kept apart from
 * openapi.ts, which calls `addCacheableTallies` on the document it built. Pure, like openapi.ts.
 */
type Json = Record<string, unknown>;

export type CacheableSettings = { tallyMaxAge?: number; maxBatchIds: number };

const CACHING_TEXT = (maxAge: number) =>
  [
    '',
    `**Caching.** A tally read without identity (no \`Authorization\`, no \`X-Reactor-Token\`, no \`reactor_token\` cookie) is everyone's:`,
    `\`Cache-Control: public, max-age=${maxAge}, stale-while-revalidate=30\` (\`REACTIONS_TALLY_MAX_AGE\`; less when the server's own cache already`,
    'held it for a while), a strong `ETag`, and 304 with no body to a matching `If-None-Match` (weak tags, lists and `*` included).',
    '`mine` is then always `null`. With any identity the answer is `private, no-store`. Every API response varies on',
    '`Authorization`, `Cookie` and `X-Reactor-Token`. Strapi\'s own list and one of a target carry `public, max-age` without identity too.',
    '',
    '**Live tallies.** `GET /api/reaction-stream?documentIds=a,b` (Server-Sent Events) sends the current tally of each published id, then',
    '`event: tally` with the new public tally (no `mine`) on changes (at most one a second per document, the last state always sent),',
    'whichever instance took the write, and a `: ping` comment at least every 25 s. Unknown and unpublished ids are ignored (as `reaction-tallies` leaves them out). A page gets the reader\'s own',
    'kinds from `GET /api/reactions/mine?documentIds=` (private, one small request), beside the cacheable counts.',
  ].join('\n');

const notModified = {
  description: 'The client\'s copy (If-None-Match) is current: no body. Sent only to requests without identity.',
  headers: {
    ETag: { $ref: '#/components/headers/ETag' },
    'Cache-Control': { $ref: '#/components/headers/PublicCacheControl' },
  },
};

const ifNoneMatch = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'An ETag from an earlier identity-free read: 304 when it is still current.',
  schema: { type: 'string' },
};

const streamPath = (settings: CacheableSettings) => ({
  get: {
    tags: ['Tallies and kinds'],
    operationId: 'streamReactionTallies',
    summary: `Live tallies of up to ${settings.maxBatchIds} documents (Server-Sent Events)`,
    description: [
      'A `text/event-stream`. First `retry: 1000`, then `event: tally` with the current tally of each published id asked for,',
      'then `event: tally` on changes (`data` is the tally without `mine`), whichever instance took the write: at most one a second per',
      'document, the last state always sent. Every event has an `id:`; a reconnect with `Last-Event-ID` gets the current tallies',
      '(state, not a replay), then live events. A `: ping` comment line keeps the connection alive (at least every 25 s).',
      'The stream ends cleanly after `REACTIONS_STREAM_MAX_LIFETIME_SECONDS` (EventSource reconnects). A client that stops reading is',
      'cut off once its unsent bytes pass `REACTIONS_STREAM_MAX_BUFFER_BYTES` (`event: overflow`, delivered only if it drains).',
      'It obeys the tally read\'s permission (`reactions.tally`): 403 without it, and open streams end when it is revoked.',
      'Identity is ignored: no cookie is set, nothing personal is sent; `Cache-Control: no-store`, `X-Accel-Buffering: no`.',
      'Each client address (an IPv6 /64 counts as one) may hold a limited number of streams per server (`REACTIONS_STREAM_CONNECTIONS_PER_ADDRESS`); past it, 429.',
    ].join(' '),
    security: [{}],
    parameters: [
      { $ref: '#/components/parameters/DocumentIds' },
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        description: 'Sent by EventSource on a reconnect: the answer is the same (the current tallies, then live events).',
        schema: { type: 'string' },
      },
    ],
    responses: {
      '200': {
        description: 'The stream.',
        content: {
          'text/event-stream': {
            schema: { type: 'string' },
            example: 'retry: 1000\n\nid: 1765151293001\nevent: tally\ndata: {"documentId":"lmh0ha971s5xsdtc4rv1vzqa","total":1,"counts":{"like":1}}\n\n: ping\n\n',
          },
        },
      },
      '400': { $ref: '#/components/responses/ValidationError' },
      '403': { $ref: '#/components/responses/Forbidden' },
      '429': { $ref: '#/components/responses/TooManyRequests' },
    },
  },
});

/** Adds caching (304, ETag, If-None-Match) to the tally reads and the live stream path. */
export const addCacheableTallies = <T extends Json>(document: T, settings: CacheableSettings): T => {
  const maxAge = settings.tallyMaxAge ?? 5;
  const doc = document as Json & { info: Json; paths: Record<string, Json>; components: Record<string, Json> };
  doc.info.description = `${String(doc.info.description ?? '')}\n${CACHING_TEXT(maxAge)}`;
  for (const [path, item] of Object.entries(doc.paths)) {
    const get = item.get as (Json & { responses: Json; parameters?: unknown[] }) | undefined;
    if (!get || !(path.endsWith('/reactions') || path === '/api/reaction-tallies')) continue;
    get.parameters = [...(get.parameters ?? []), ifNoneMatch];
    get.responses = { ...get.responses, '304': notModified };
  }
  doc.paths['/api/reaction-stream'] = streamPath(settings);
  doc.components.headers = {
    ...(doc.components.headers ?? {}),
    ETag: { description: 'A strong validator of the body (identity-free reads only).', schema: { type: 'string' } },
    PublicCacheControl: {
      description: `\`public, max-age=<at most ${maxAge}>, stale-while-revalidate=30\` without identity; \`private, no-store\` with it.`,
      schema: { type: 'string' },
    },
  };
  return document;
};
