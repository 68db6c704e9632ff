/**
 * The OpenAPI schemas of a tally, a kind and the answers that carry them, merged into the
 * plugin's document by openapi.ts. Pure, like it.
 */
import { editorialTallyProperties, ref, trendsSchemas } from './openapi-trends';

type Json = Record<string, unknown>;

export const tallySchemas = (kinds: string[], exampleCounts: Json, exampleTally: Json): Json => ({
  ReactionKind: {
    type: 'string',
    enum: kinds,
    description: 'A configured reaction kind. Kinds are keys, never positions.',
  },
  ReactionCounts: {
    type: 'object',
    description: 'Every configured kind as a key, zeros included, in kind order.',
    properties: Object.fromEntries(kinds.map((kind) => [kind, { type: 'integer', minimum: 0 }])),
    required: kinds,
    additionalProperties: false,
    example: exampleCounts,
  },
  ReactionTally: {
    type: 'object',
    description: 'The aggregate of one document\'s reactions. `total` equals the sum of `counts`.',
    properties: {
      documentId: { type: 'string', description: 'The document\'s documentId.' },
      total: { type: 'integer', minimum: 0 },
      counts: ref('ReactionCounts'),
      mine: {
        description: 'The calling reader\'s kind, or null (not reacted, or not identified).',
        oneOf: [ref('ReactionKind'), { type: 'null' }],
      },
      ...editorialTallyProperties(),
    },
    required: ['documentId', 'total', 'counts', 'mine', 'closed', 'kinds'],
    additionalProperties: false,
    example: exampleTally,
  },
  ...trendsSchemas(),
  ReactionKindInfo: {
    type: 'object',
    properties: {
      kind: ref('ReactionKind'),
      label: { type: 'string' },
      emoji: { type: 'string' },
    },
    required: ['kind', 'label', 'emoji'],
    additionalProperties: false,
  },
  SetReactionRequest: {
    type: 'object',
    description: 'Exactly `{ "data": { "kind": "<kind>" } }`: any other field is a 400.',
    properties: {
      data: {
        type: 'object',
        properties: { kind: ref('ReactionKind') },
        required: ['kind'],
        additionalProperties: false,
      },
    },
    required: ['data'],
    additionalProperties: false,
  },
  TallyResponse: {
    type: 'object',
    properties: { data: ref('ReactionTally') },
    required: ['data'],
  },
  TalliesResponse: {
    type: 'object',
    properties: { data: { type: 'array', items: ref('ReactionTally') } },
    required: ['data'],
  },
  KindsResponse: {
    type: 'object',
    properties: { data: { type: 'array', items: ref('ReactionKindInfo') } },
    required: ['data'],
  },
});
