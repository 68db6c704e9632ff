/**
 * The per-client write limit, shared by REST and GraphQL (both call `consume`).
 *
 * A reader (JWT user or reactor token) may write `rateLimit` times a minute. Because anyone can
 * mint a new anonymous token, one network address is also capped, at ten times the limit, so that
 * a newsroom office behind one address is not throttled as a single reader.
 * The counters live in this process's memory: with several instances each keeps its own.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { getSettings } from '../settings';
import type { Reader } from './readers';

const ADDRESS_FACTOR = 10;
const WINDOW_SECONDS = 60;

type Limiters = { points: number; perReader: RateLimiterMemory; perAddress: RateLimiterMemory };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  let limiters: Limiters | null = null;

  // Built lazily and rebuilt when the configured rate changes (tests and operators may change it live).
  const getLimiters = (points: number): Limiters => {
    if (!limiters || limiters.points !== points) {
      limiters = {
        points,
        perReader: new RateLimiterMemory({ keyPrefix: 'reaction-reader', points, duration: WINDOW_SECONDS }),
        perAddress: new RateLimiterMemory({
          keyPrefix: 'reaction-address',
          points: points * ADDRESS_FACTOR,
          duration: WINDOW_SECONDS,
        }),
      };
    }
    return limiters;
  };

  return {
    /** Counts one write; throws 429 (and sets Retry-After) when the client is over its limit. */
    async consume(ctx: Context, reader: Reader): Promise<void> {
      const points = getSettings(strapi).rateLimit;
      if (!points || points <= 0) return;
      const { perReader, perAddress } = getLimiters(points);
      try {
        await perAddress.consume(ctx.ip || 'unknown');
        if (!reader.issuedToken) await perReader.consume(reader.key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        ctx.set('Retry-After', String(retryAfter));
        throw new errors.RateLimitError('Too many reactions from this client; try again later.', { retryAfter });
      }
    },

    reset(): void {
      limiters = null;
    },
  };
};
