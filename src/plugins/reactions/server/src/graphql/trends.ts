/**
 * `reactionTrends` over GraphQL. GraphQL enum values cannot start with a digit, so the windows
 * are `h1 h24 d7 d30` there (`1h 24h 7d 30d` over REST); everything else is the REST query's.
 */
import type { Core } from '@strapi/strapi';
import type { TrendWindow } from '../../../shared/contract';
import { getService } from '../utils/services';
import type { ResolverContext } from './context';

export const GRAPHQL_WINDOWS: Record<string, TrendWindow> = { h1: '1h', h24: '24h', d7: '7d', d30: '30d' };
const WINDOW_NAMES = Object.fromEntries(Object.entries(GRAPHQL_WINDOWS).map(([name, value]) => [value, name]));

export const trendsTypeDefs = `
  "A trend window: the last hour, 24 hours, 7 days or 30 days (REST: 1h, 24h, 7d, 30d)."
  enum ReactionWindow { h1 h24 d7 d30 }

  "One published document in a trend: reactions set or last switched within the window."
  type ReactionTrend { documentId: ID! total: Int! counts: ReactionCounts! }

  type ReactionTrendsMeta { target: String! window: ReactionWindow! since: String! until: String! kind: ReactionKind limit: Int! }

  type ReactionTrends { data: [ReactionTrend!]! meta: ReactionTrendsMeta! }

  extend type Query {
    "Published documents of a target (a pluralName; default the first target) ranked by reactions within the window (default h24), optionally of one kind; limit 1 to 50 (default 10); ties by documentId."
    reactionTrends(target: String, window: ReactionWindow, kind: ReactionKind, limit: Int): ReactionTrends!
  }
`;

type TrendArgs = { target?: string | null; window?: string | null; kind?: string | null; limit?: number | null };

export const buildTrendsQuery = (strapi: Core.Strapi) => ({
  async reactionTrends(_parent: unknown, args: TrendArgs, { koaContext }: ResolverContext) {
    const query: Record<string, unknown> = {};
    if (args.target !== undefined && args.target !== null) query.target = args.target;
    if (args.window) query.window = GRAPHQL_WINDOWS[args.window];
    if (args.kind) query.kind = args.kind;
    if (args.limit !== undefined && args.limit !== null) query.limit = String(args.limit);
    // REST's path: the same validation, budget and kept answers.
    const { answer } = await getService(strapi, 'trends').read(koaContext, query);
    return { ...answer, meta: { ...answer.meta, window: WINDOW_NAMES[answer.meta.window] } };
  },
});
