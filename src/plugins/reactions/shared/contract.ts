/**
 * The reactions contract in types: what the server sends, the admin panel reads and
 * `client/reactions.ts` gives frontends. One file, imported by all three, so a field cannot
 * drift between them. The HTTP contract itself is documented in the plugin's README and served
 * as OpenAPI at /api/reactions/openapi.json.
 */

export const PLUGIN_ID = 'reactions';
export const REACTION_UID = 'plugin::reactions.reaction';
export const COUNTER_UID = 'plugin::reactions.reaction-counter';
export const SETTING_UID = 'plugin::reactions.reaction-setting';

/** Reactor tokens travel in this header (or the cookie) in both directions. */
export const TOKEN_HEADER = 'X-Reactor-Token';
export const TOKEN_COOKIE = 'reactor_token';
/** The request headers that identify a reader: responses that depend on who calls vary on them. */
export const IDENTITY_HEADERS = ['Authorization', 'Cookie', TOKEN_HEADER];

/**
 * Why a request got 401, in `error.details.reason`. Clients forget a stored reactor token only on
 * `reactor-token-invalid`; every other 401 (an expired JWT beside the token, anonymous writes
 * switched off, no identity at all) leaves it kept.
 */
export const UNAUTHORIZED_REASONS = {
  tokenInvalid: 'reactor-token-invalid',
  jwtInvalid: 'jwt-invalid',
  anonymousOff: 'anonymous-off',
  identityMissing: 'identity-missing',
} as const;
export type UnauthorizedReason = (typeof UNAUTHORIZED_REASONS)[keyof typeof UNAUTHORIZED_REASONS];

/** One configured reaction kind, in display order. Kinds are keys, never positions. */
export type KindInfo = { kind: string; label: string; emoji: string };

/** The aggregate of one document's reactions, as every public endpoint returns it. */
export type Tally = {
  documentId: string;
  total: number;
  /** Every configured kind, zeros included, in kind order. */
  counts: Record<string, number>;
  /** The calling reader's own kind, or null (not reacted, or not identified). */
  mine: string | null;
  /** Editors closed reactions on this document: the tally stays visible, writes answer 403. */
  closed: boolean;
  /** The kinds this document offers, in configured order (every configured kind unless restricted). */
  kinds: string[];
};

/** A tally as caches, streams and events carry it: never anyone's own reaction. */
export type PublicTally = Omit<Tally, 'mine'>;

/** Names on Strapi's event hub (and so in webhooks). */
export const REACTION_EVENTS = {
  created: 'reaction.created',
  updated: 'reaction.updated',
  deleted: 'reaction.deleted',
  settingsUpdated: 'reaction.settings.updated',
} as const;

export type ReactionEventName = (typeof REACTION_EVENTS)[keyof typeof REACTION_EVENTS];

/** What every reaction event carries: the document and its fresh tally, never who reacted. */
export type ReactionEvent = {
  /** The target content type's uid, e.g. api::article.article. */
  target: string;
  documentId: string;
  /** The kind now set, or null after a removal. */
  kind: string | null;
  previousKind: string | null;
  tally: PublicTally;
};

/** What `reaction.settings.updated` carries: the document and its editorial setting, never the editor. */
export type ReactionSettingsEvent = { target: string; documentId: string; closed: boolean; kinds: string[] };

/** Trend windows, newest activity first: a reaction counts when it was set or last switched within it. */
export const TREND_WINDOWS = ['1h', '24h', '7d', '30d'] as const;
export type TrendWindow = (typeof TREND_WINDOWS)[number];

/** One document in a trend: reactions within the window, every configured kind in `counts`. */
export type Trend = { documentId: string; total: number; counts: Record<string, number> };

/** `GET /api/reaction-trends`. `since`/`until` are ISO timestamps; `kind` null ranks by every kind. */
export type TrendsResponse = {
  data: Trend[];
  meta: { target: string; window: TrendWindow; since: string; until: string; kind: string | null; limit: number };
};

/** The analytics page's top stories: a trend with each story's title (null when the type has none). */
export type AnalyticsTop = Omit<TrendsResponse, 'data'> & { data: Array<Trend & { title: string | null }> };

/** One story's reactions over time: hourly points for its first 48 hours, then daily (UTC). */
export type AnalyticsSeries = {
  documentId: string;
  title: string | null;
  start: string;
  until: string;
  kinds: string[];
  points: Array<{ at: string; granularity: 'hour' | 'day'; total: number; counts: Record<string, number> }>;
};

/** A reaction target as the admin panel knows it. */
export type TargetInfo = { uid: string; displayName: string };

/** What the admin panel loads once per session. */
export type AdminSettings = { kinds: KindInfo[]; targets: TargetInfo[] };

/** A tally as the admin routes give it: drafts included, with whether the document is published (`mine` is always null: admins are not readers). */
export type AdminTally = Tally & { published: boolean };

/** Strapi's error envelope, as every error response carries it. */
export type ErrorEnvelope = {
  data: null;
  error: { status: number; name: string; message: string; details: Record<string, unknown> };
};

/** One of the caller's own reactions, as `GET /api/reactions/mine` lists it (newest first). */
export type OwnReaction = {
  /** The target's plural name, as in `/api/<target>/:documentId/reactions`. */
  target: string;
  documentId: string;
  kind: string;
  /** When the reader last set or switched it (ISO 8601). */
  updatedAt: string;
};

/** Strapi's page-based pagination meta. */
export type PagePagination = { page: number; pageSize: number; pageCount: number; total: number };

/** `DELETE /api/reactions/mine`: how many reactions were erased. */
export type ForgetResult = { removed: number };

/** `POST /api/reactions/claim`: reactions moved to the account, and anonymous ones dropped where the account had reacted too. */
export type ClaimResult = { moved: number; dropped: number };

/** The plugin's own admin actions (Settings → Roles → Plugins → Reactions). */
export const ADMIN_ACTIONS = {
  readAnalytics: `plugin::${PLUGIN_ID}.analytics.read`,
  changeSettings: `plugin::${PLUGIN_ID}.settings.update`,
  moderate: `plugin::${PLUGIN_ID}.moderate`,
} as const;

/** The HTTP status of each Strapi error name, as REST answers it and GraphQL's `extensions.error.status` repeats it. */
export const STATUS_BY_ERROR_NAME: Record<string, number> = {
  ValidationError: 400,
  YupValidationError: 400,
  PaginationError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  PolicyError: 403,
  NotFoundError: 404,
  PayloadTooLargeError: 413,
  RateLimitError: 429,
};
