/**
 * The one place where reactions are configured.
 *
 * Kinds are listed in display order. The Reaction schema's enum, body validation,
 * `GET /api/reaction-kinds`, the GraphQL `ReactionKind` enum and the admin panel
 * are all derived from this list at start-up. To retire a kind, remove it here:
 * its stored reactions stay in the database but no longer count (see README).
 *
 * Targets are the collection types readers can react to, by UID. Each one gets
 * `/api/<pluralName>/:documentId/reactions`, `reactionTally` in its REST and
 * GraphQL responses and the admin panel's tally panel and list column.
 */
type Env = {
  (key: string, fallback?: string): string;
  int(key: string, fallback?: number): number;
  bool(key: string, fallback?: boolean): boolean;
};

export default ({ env }: { env: Env }) => ({
  kinds: [
    { kind: 'like', label: 'Like', emoji: '👍' },
    { kind: 'dislike', label: 'Dislike', emoji: '👎' },
    { kind: 'love', label: 'Love', emoji: '❤️' },
    { kind: 'funny', label: 'Funny', emoji: '😂' },
    { kind: 'angry', label: 'Angry', emoji: '😡' },
    { kind: 'sad', label: 'Sad', emoji: '😢' },
    { kind: 'wow', label: 'Wow', emoji: '😮' },
  ],
  targets: ['api::article.article', 'api::video.video'],
  anonymous: env.bool('REACTIONS_ANONYMOUS', true),
  rateLimit: env.int('REACTIONS_RATE_LIMIT', 60),
  // New anonymous readers one address (an IPv6 /64 counts as one) may create per minute; 0 = off.
  newReadersPerAddress: env.int('REACTIONS_NEW_READERS_PER_ADDRESS', 30),
  // Shared counters for the write limit when several instances run (redis://host:6379); per instance when empty.
  rateLimitRedisUrl: env('REACTIONS_RATE_LIMIT_REDIS_URL', ''),
  // Empty means "derive from APP_KEYS" (see src/api/reaction/services/readers.ts).
  tokenSecret: env('REACTOR_TOKEN_SECRET', ''),
  // Lets operators (and the benchmark) switch tally embedding off in article lists.
  embedTallies: env.bool('REACTIONS_EMBED_TALLIES', true),
});
