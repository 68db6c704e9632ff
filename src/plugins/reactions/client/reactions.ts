/**
 * Types and a small typed client for the reactions REST API (the plugin's README,
 * src/plugins/reactions/README.md, and the OpenAPI document at GET /api/reactions/openapi.json).
 * Works in browsers and Node 18+ (global fetch). The shapes come from the plugin's shared
 * contract (the same file its server and admin panel use), narrowed here to a project's kinds.
 *
 * Kinds are configured in config/plugins.ts. The types default to the stock kinds; a project
 * with other kinds passes its own union: `ReactionTally<'up' | 'down'>`.
 */
import type {
  ClaimResult,
  ErrorEnvelope as ContractErrorEnvelope,
  ForgetResult,
  KindInfo,
  OwnReaction,
  PagePagination,
  Tally,
  TrendsResponse,
  TrendWindow,
} from '../shared/contract';

export type { ClaimResult, ForgetResult, OwnReaction, PagePagination, TrendsResponse, TrendWindow };

/** The stock kinds, in display order (the plugin's defaults). */
export const DEFAULT_REACTION_KINDS = ['like', 'dislike', 'love', 'funny', 'angry', 'sad', 'wow'] as const;

export type DefaultReactionKind = (typeof DEFAULT_REACTION_KINDS)[number];

/** Every configured kind as a key, zeros included. */
export type ReactionCounts<K extends string = DefaultReactionKind> = { [P in K]: number };

/** The aggregate of one document's reactions; `total` equals the sum of `counts`. */
export type ReactionTally<K extends string = DefaultReactionKind> = Omit<Tally, 'counts' | 'mine'> & {
  counts: ReactionCounts<K>;
  /** The calling reader's kind, or null (not reacted, or not identified). */
  mine: K | null;
};

/** One entry of GET /api/reaction-kinds. */
export type ReactionKindInfo<K extends string = DefaultReactionKind> = Omit<KindInfo, 'kind'> & { kind: K };

export type ReactionErrorName =
  | 'ValidationError'
  | 'UnauthorizedError'
  | 'NotFoundError'
  | 'PayloadTooLargeError'
  | 'RateLimitError'
  | (string & {});

/** Strapi's error envelope, used by every error response. */
export type ErrorEnvelope = ContractErrorEnvelope & { error: { name: ReactionErrorName } };

export interface DataEnvelope<T> {
  data: T;
}

/** Body of PUT /api/<pluralName>/:documentId/reactions. */
export interface SetReactionBody<K extends string = DefaultReactionKind> {
  data: { kind: K };
}

/** `detail` of the `reaction-change` event that <reaction-bar> dispatches once a change is saved. */
export type ReactionBarChangeDetail<K extends string = DefaultReactionKind> = ReactionTally<K>;

/** A refused request; `status` 0 means the server could not be reached. */
export class ReactionsApiError extends Error {
  readonly status: number;
  readonly errorName: ReactionErrorName;
  readonly details: Record<string, unknown>;
  /** Seconds to wait, from Retry-After (429 only). */
  readonly retryAfter: number | null;

  constructor(status: number, errorName: ReactionErrorName, message: string, details: Record<string, unknown> = {}, retryAfter: number | null = null) {
    super(message);
    this.name = 'ReactionsApiError';
    this.status = status;
    this.errorName = errorName;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

/** Where the anonymous reactor token is kept (e.g. localStorage in a browser). */
export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
}

export const memoryTokenStore = (initial: string | null = null): TokenStore => {
  let token = initial;
  return { get: () => token, set: (value) => (token = value) };
};

export interface ReactionsClientOptions {
  /** Origin of the Strapi server, e.g. "https://cms.example.com"; "" for the same origin. */
  apiBase?: string;
  /** Plural name of the target collection type. Default "articles". */
  contentType?: string;
  /** Anonymous reactor token storage. Default: in memory. */
  tokenStore?: TokenStore;
  /** A users-permissions JWT, for signed-in readers. */
  jwt?: () => string | null;
  fetch?: typeof fetch;
}

/** `GET /api/reactions/mine`: the caller's own reactions, newest first. */
export type OwnReactionsPage<K extends string = DefaultReactionKind> = {
  data: Array<Omit<OwnReaction, 'kind'> & { kind: K }>;
  meta: { pagination: PagePagination };
};

export interface TrendsQuery<K extends string = DefaultReactionKind> {
  window?: TrendWindow;
  kind?: K;
  limit?: number;
}

export interface ReactionsClient<K extends string = DefaultReactionKind> {
  kinds(): Promise<ReactionKindInfo<K>[]>;
  tally(documentId: string): Promise<ReactionTally<K>>;
  tallies(documentIds: string[]): Promise<ReactionTally<K>[]>;
  react(documentId: string, kind: K): Promise<ReactionTally<K>>;
  unreact(documentId: string): Promise<ReactionTally<K>>;
  /** The caller's own reactions, optionally only for some documents. */
  mine(query?: { documentIds?: string[]; page?: number; pageSize?: number }): Promise<OwnReactionsPage<K>>;
  /** Erases every reaction of the caller. */
  forgetMine(): Promise<ForgetResult>;
  /** Signed in (jwt) with an anonymous token kept: moves that token's reactions to the account, then forgets the token. */
  claim(): Promise<ClaimResult>;
  /** Published documents of the client's content type ranked by recent reactions. */
  trends(query?: TrendsQuery<K>): Promise<TrendsResponse>;
}

export const createReactionsClient = <K extends string = DefaultReactionKind>(options: ReactionsClientOptions = {}): ReactionsClient<K> => {
  const base = (options.apiBase ?? '').replace(/\/+$/, '');
  const contentType = options.contentType ?? 'articles';
  const tokens = options.tokenStore ?? memoryTokenStore();
  const doFetch = options.fetch ?? fetch;

  /** The whole JSON answer (`data` and `meta`), or a ReactionsApiError. */
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const jwt = options.jwt?.();
    if (jwt) headers.Authorization = `Bearer ${jwt}`;
    const token = tokens.get();
    if (token) headers['X-Reactor-Token'] = token;

    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    } catch (error) {
      throw new ReactionsApiError(0, 'NetworkError', error instanceof Error ? error.message : 'Network error');
    }
    const issued = response.headers.get('X-Reactor-Token');
    if (issued) tokens.set(issued);
    const payload = (await response.json().catch(() => null)) as DataEnvelope<T> | ErrorEnvelope | null;
    if (!response.ok) {
      const error = (payload as ErrorEnvelope | null)?.error;
      // Forget the stored token only when the server says it is not ours: a 401 for an expired JWT
      // beside it, or for a write while anonymous reactions are off, keeps the reader's identity.
      if (response.status === 401 && token && error?.details?.reason === 'reactor-token-invalid') tokens.set(null);
      const retryAfter = Number(response.headers.get('Retry-After'));
      throw new ReactionsApiError(
        response.status,
        error?.name ?? 'HttpError',
        error?.message ?? `HTTP ${response.status}`,
        error?.details ?? {},
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null
      );
    }
    return payload as T;
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await request<DataEnvelope<T>>(method, path, body)).data;
  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
    const text = search.toString();
    return text ? `?${text}` : '';
  };

  const target = (documentId: string) => `/api/${contentType}/${encodeURIComponent(documentId)}/reactions`;

  return {
    kinds: () => call('GET', '/api/reaction-kinds'),
    tally: (documentId) => call('GET', target(documentId)),
    tallies: (documentIds) => call('GET', `/api/reaction-tallies?documentIds=${documentIds.map(encodeURIComponent).join(',')}`),
    react: (documentId, kind) => call('PUT', target(documentId), { data: { kind } } satisfies SetReactionBody<K>),
    unreact: (documentId) => call('DELETE', target(documentId)),
    mine: ({ documentIds, page, pageSize } = {}) =>
      request(
        'GET',
        `/api/reactions/mine${query({ documentIds: documentIds?.join(','), 'pagination[page]': page, 'pagination[pageSize]': pageSize })}`
      ),
    forgetMine: () => call('DELETE', '/api/reactions/mine'),
    claim: async () => {
      const result = await call<ClaimResult>('POST', '/api/reactions/claim');
      tokens.set(null);
      return result;
    },
    trends: ({ window, kind, limit } = {}) => request('GET', `/api/reaction-trends${query({ target: contentType, window, kind, limit })}`),
  };
};
