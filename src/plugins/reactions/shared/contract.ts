/**
 * The reactions contract in types: what the server sends, the admin panel reads and
 * `client/reactions.ts` gives frontends. One file, imported by all three, so a field cannot
 * drift between them. The HTTP contract itself is documented in the plugin's README and served
 * as OpenAPI at /api/reactions/openapi.json.
 */

export const PLUGIN_ID = 'reactions';
export const REACTION_UID = 'plugin::reactions.reaction';
export const COUNTER_UID = 'plugin::reactions.reaction-counter';

/** Reactor tokens travel in this header (or the cookie) in both directions. */
export const TOKEN_HEADER = 'X-Reactor-Token';
export const TOKEN_COOKIE = 'reactor_token';

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
};

/** A tally as caches, streams and events carry it: never anyone's own reaction. */
export type PublicTally = Omit<Tally, 'mine'>;

/** Names on Strapi's event hub (and so in webhooks). */
export const REACTION_EVENTS = {
  created: 'reaction.created',
  updated: 'reaction.updated',
  deleted: 'reaction.deleted',
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
