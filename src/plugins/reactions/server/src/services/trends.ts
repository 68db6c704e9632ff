/**
 * Trends: which published documents readers reacted to within a window. A reaction counts when
 * it was set or last switched within it (its `updatedAt`); a cleared one counts nowhere.
 * The window ends at the plugin's clock, so tests can seed a timeline. SQL lives in
 * repositories/trends.ts.
 *
 * Trends are public and each distinct query costs a GROUP BY over the window, so the public
 * paths (REST and GraphQL both call `read`) are bounded:
 * - one address may ask `trendsRateLimit` queries a minute (limits service), else 429;
 * - each distinct answer is kept in memory for `TRENDS_MAX_AGE_SECONDS` on the plugin's clock
 *   (a ranking a few seconds old is still the ranking; tallies, which must be exact, are not
 *   answered from here), at most `TRENDS_CACHE_KEYS` of them, the oldest going first. Concurrent
 *   misses of one query share its single database read;
 * - responses announce only what is left of the kept answer's max-age, so memory and a shared
 *   cache together never serve a ranking older than the max-age.
 * The admin analytics call `top`, uncached: editors see the database as it is.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { TrendsResponse } from '../../../shared/contract';
import { getService } from '../utils/services';
import { findTargetByPluralName, getKindKeys, getTargets } from '../utils/settings';
import { WINDOW_MS, parseTrendsQuery, type TrendsInput } from '../utils/trends-query';

/** How long a trends answer is kept here and may be kept by a shared cache (the contract allows 30 s at most). */
export const TRENDS_MAX_AGE_SECONDS = 30;
/** Distinct trend queries kept at once (validated queries: targets × windows × kinds × limits). */
export const TRENDS_CACHE_KEYS = 500;

type Kept = { storedAt: number; answer: Promise<TrendsResponse> };

/** A public trends answer and the max-age it may still announce. */
export type TrendsRead = { answer: TrendsResponse; maxAge: number };

const keyOf = (input: TrendsInput) => [input.target, input.window, input.kind ?? '', input.limit].join('\u0000');

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const kept = new Map<string, Kept>();
  const maxAgeMs = TRENDS_MAX_AGE_SECONDS * 1000;
  const clock = () => getService(strapi, 'clock');

  /** The kept answer to this query while it is younger than the max-age, else a fresh one (kept). */
  const cached = (input: TrendsInput): Kept => {
    const now = clock().now();
    const key = keyOf(input);
    const entry = kept.get(key);
    // An answer from the clock's future (a test moved it back) is not trusted either.
    const age = entry ? now.getTime() - entry.storedAt : -1;
    if (entry && age >= 0 && age < maxAgeMs) return entry;
    kept.delete(key);
    const fresh: Kept = { storedAt: now.getTime(), answer: trends.top(input, now) };
    kept.set(key, fresh);
    // Every answer lives equally long, so the first inserted is the oldest.
    while (kept.size > TRENDS_CACHE_KEYS) kept.delete(kept.keys().next().value as string);
    // A failed read is not kept: the next query tries again.
    fresh.answer.catch(() => {
      if (kept.get(key) === fresh) kept.delete(key);
    });
    return fresh;
  };

  const trends = {
    /** Validates raw query parameters (REST) or arguments (GraphQL); 400 with details otherwise. */
    parse(query: Record<string, unknown>): TrendsInput {
      return parseTrendsQuery(
        query,
        getTargets(strapi).map((target) => target.pluralName),
        getKindKeys(strapi)
      );
    },

    /** The ranking read from the database now (or at `until`): no budget, no cache. */
    async top(input: TrendsInput, until: Date = clock().now()): Promise<TrendsResponse> {
      const target = findTargetByPluralName(strapi, input.target);
      if (!target) throw new Error(`unvalidated trends target ${input.target}`);
      const since = new Date(until.getTime() - WINDOW_MS[input.window]);
      const data = await getService(strapi, 'store').trending(target, {
        since,
        until,
        kinds: getKindKeys(strapi),
        kind: input.kind,
        limit: input.limit,
      });
      return {
        data,
        meta: {
          target: target.pluralName,
          window: input.window,
          since: since.toISOString(),
          until: until.toISOString(),
          kind: input.kind,
          limit: input.limit,
        },
      };
    },

    /** The public path, REST and GraphQL alike: validate, spend the address's budget, answer from memory when fresh. */
    async read(ctx: Context, query: Record<string, unknown>): Promise<TrendsRead> {
      const input = trends.parse(query);
      await getService(strapi, 'limits').consumeTrends(ctx);
      const entry = cached(input);
      const answer = await entry.answer;
      // Whole seconds, rounded against the cache, so memory and CDN together stay within the max-age.
      const age = clock().now().getTime() - entry.storedAt;
      const maxAge = Math.max(0, Math.min(TRENDS_MAX_AGE_SECONDS, TRENDS_MAX_AGE_SECONDS - Math.ceil(age / 1000)));
      return { answer, maxAge };
    },

    /** Distinct answers kept (tests and diagnostics). */
    cacheSize(): number {
      return kept.size;
    },
  };
  return trends;
};
