/**
 * The plugin's configuration: `config/plugins.ts` → `reactions.config` in the app. Every option
 * has a default, most of them an environment variable, so operators tune a deployment without
 * touching code. The whole object is validated at load: a bad value stops the start with a
 * message naming the key (Strapi prefixes it with "Error regarding reactions config").
 */
import { yup } from '@strapi/utils';
import type { KindInfo } from '../../../shared/contract';

export const DEFAULT_KINDS: KindInfo[] = [
  { kind: 'like', label: 'Like', emoji: '👍' },
  { kind: 'dislike', label: 'Dislike', emoji: '👎' },
  { kind: 'love', label: 'Love', emoji: '❤️' },
  { kind: 'funny', label: 'Funny', emoji: '😂' },
  { kind: 'angry', label: 'Angry', emoji: '😡' },
  { kind: 'sad', label: 'Sad', emoji: '😢' },
  { kind: 'wow', label: 'Wow', emoji: '😮' },
];

export type ReactionsConfig = {
  /** Collection types readers react to, by uid. */
  targets: string[];
  /** Display order; each kind a GraphQL enum value and a JSON key. */
  kinds: KindInfo[];
  anonymous: boolean;
  rateLimit: number;
  rateLimitRedisUrl: string;
  newReadersPerAddress: number;
  /** Trend queries (REST and GraphQL together) one client address may make per minute; 0 = no limit. */
  trendsRateLimit: number;
  tokenSecret: string;
  embedTallies: boolean;
  /** GraphQL limits and the published-only rule on every operation, not only those reaching the plugin's types and targets. */
  graphqlGuardWholeSchema: boolean;
  /** Seconds a shared cache (CDN) and the in-process tally cache may keep a public tally. */
  tallyMaxAge: number;
  /** Public tallies kept in memory per instance (least recently used go first); 0 = no cache. */
  tallyCacheSize: number;
  /** Seconds between the live stream's keep-alive comments. */
  streamHeartbeatSeconds: number;
  /** Live streams one client address (IPv6 /64) may hold open on one instance; 0 = no limit. */
  streamConnectionsPerAddress: number;
  /** Live streams one instance holds open at most. */
  streamMaxConnections: number;
  /** Bytes one live stream may have queued unsent (a client that stopped reading) before it is cut off. */
  streamMaxBufferBytes: number;
  /** Seconds of the plugin clock after which a live stream ends (the client reconnects). */
  streamMaxLifetimeSeconds: number;
};

type Env = {
  (key: string, fallback?: string): string;
  int(key: string, fallback?: number): number;
  bool(key: string, fallback?: boolean): boolean;
};

const KIND_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
// Valid names, yet GraphQL refuses them as enum values (ReactionKind) and the start would fail later.
const RESERVED_KINDS = ['true', 'false', 'null'];
const UID_PATTERN = /^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/;

export const configSchema = yup
  .object({
    targets: yup.array(yup.string().matches(UID_PATTERN, '${path} must be a content type uid such as api::article.article').required()).required(),
    // Not defaulted through `default`: Strapi deep-merges defaults into the app's config, which
    // would pad a shorter kinds list with the default kinds. Absent means the seven defaults.
    kinds: yup
      .array(
        yup
          .object({
            kind: yup
              .string()
              .matches(KIND_PATTERN, '${path} must match ' + String(KIND_PATTERN))
              .notOneOf(RESERVED_KINDS, '${path} must not be true, false or null (GraphQL cannot take them as enum values)')
              .required(),
            label: yup.string().min(1).required(),
            emoji: yup.string().min(1).required(),
          })
          .noUnknown(true, '${path} has unknown keys: ${unknown}')
          .required()
      )
      .min(1, '${path} must list at least one kind')
      .test('unique-kinds', '${path} lists a kind twice', (kinds) => new Set((kinds ?? []).map((k) => k?.kind)).size === (kinds ?? []).length)
      .optional(),
    anonymous: yup.boolean().required(),
    rateLimit: yup.number().integer().min(0).required(),
    rateLimitRedisUrl: yup
      .string()
      .defined()
      .test('redis-url', '${path} must be empty or a redis:// or rediss:// URL', (value) => !value || /^rediss?:\/\//.test(value)),
    newReadersPerAddress: yup.number().integer().min(0).required(),
    trendsRateLimit: yup.number().integer().min(0).required(),
    tokenSecret: yup.string().defined(),
    embedTallies: yup.boolean().required(),
    graphqlGuardWholeSchema: yup.boolean().required(),
    tallyMaxAge: yup.number().integer().min(0).max(86400).required(),
    tallyCacheSize: yup.number().integer().min(0).required(),
    streamHeartbeatSeconds: yup.number().min(0.05).max(25).required(),
    streamConnectionsPerAddress: yup.number().integer().min(0).required(),
    streamMaxConnections: yup.number().integer().min(1).required(),
    streamMaxBufferBytes: yup.number().integer().min(1024).required(),
    streamMaxLifetimeSeconds: yup.number().integer().min(1).required(),
  })
  .noUnknown(true, 'unknown option(s): ${unknown}');

export default {
  default: ({ env }: { env: Env }) => ({
    targets: [],
    anonymous: env.bool('REACTIONS_ANONYMOUS', true),
    // Writes per reader per minute, REST and GraphQL together; 0 switches the limit off.
    rateLimit: env.int('REACTIONS_RATE_LIMIT', 60),
    // Shared counters between instances (redis://host:6379); per instance when empty.
    rateLimitRedisUrl: env('REACTIONS_RATE_LIMIT_REDIS_URL', ''),
    // New anonymous readers one address (an IPv6 /64 counts as one) may create per minute; 0 = off.
    newReadersPerAddress: env.int('REACTIONS_NEW_READERS_PER_ADDRESS', 30),
    // Trends are public and each distinct query costs a GROUP BY: one address gets this many a minute; 0 = off.
    trendsRateLimit: env.int('REACTIONS_TRENDS_RATE_LIMIT', 60),
    // Comma-separated for rotation: the first signs, all verify. Empty: derived from APP_KEYS.
    tokenSecret: env('REACTOR_TOKEN_SECRET', ''),
    // Lets operators (and the benchmark) switch tally embedding off in target responses.
    embedTallies: env.bool('REACTIONS_EMBED_TALLIES', true),
    // The host's own GraphQL operations are the host's: guards cover the plugin's types and targets unless this is on.
    graphqlGuardWholeSchema: env.bool('REACTIONS_GRAPHQL_GUARD_WHOLE_SCHEMA', false),
    // Cacheable and live tallies (README: "Cacheable and live tallies").
    tallyMaxAge: env.int('REACTIONS_TALLY_MAX_AGE', 5),
    tallyCacheSize: env.int('REACTIONS_TALLY_CACHE_SIZE', 10000),
    streamHeartbeatSeconds: Number(env('REACTIONS_STREAM_HEARTBEAT_SECONDS', '20')),
    streamConnectionsPerAddress: env.int('REACTIONS_STREAM_CONNECTIONS_PER_ADDRESS', 20),
    streamMaxConnections: env.int('REACTIONS_STREAM_MAX_CONNECTIONS', 10000),
    streamMaxBufferBytes: env.int('REACTIONS_STREAM_MAX_BUFFER_BYTES', 65536),
    streamMaxLifetimeSeconds: env.int('REACTIONS_STREAM_MAX_LIFETIME_SECONDS', 3600),
  }),
  validator: (config: unknown) => {
    configSchema.validateSync(config, { strict: true, abortEarly: true });
  },
};
