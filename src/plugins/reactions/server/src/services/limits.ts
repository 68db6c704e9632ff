/**
 * The per-client write limit, shared by REST and GraphQL (both call `consume`).
 *
 * A reader (JWT user or reactor token) may write `rateLimit` times a minute. Because anyone can
 * mint a new anonymous token, one network address is also capped, at ten times the limit, so that
 * a newsroom office behind one address is not throttled as a single reader.
 *
 * Anonymous readers cost nothing to create, so one address (an IPv6 /64 counts as one) may create
 * at most `newReadersPerAddress` of them a minute: the write that would mint one more gets 429.
 *
 * Counters live in this process's memory by default: with several instances each keeps its own.
 * With REACTIONS_RATE_LIMIT_REDIS_URL they live in Redis and every instance shares them; if Redis
 * becomes unreachable, each instance falls back to its own memory counters until it is back.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import Redis from 'ioredis';
import type { Context } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { addressUnit } from '../utils/client-address';
import { getService } from '../utils/services';
import { getSettings } from '../utils/settings';
import type { Reader } from './readers';

const ADDRESS_FACTOR = 10;
/** Reads of a reader's own reactions (`mine`) allowed per minute, as a multiple of the write limit. */
const READ_FACTOR = 10;
const WINDOW_SECONDS = 60;

type Limiters = { points: number; perReader: RateLimiterAbstract; perAddress: RateLimiterAbstract };
type NewReaderLimiter = { points: number; perAddress: RateLimiterAbstract };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  let limiters: Limiters | null = null;
  let newReaders: NewReaderLimiter | null = null;
  let reads: Limiters | null = null;
  let redis: Redis | null = null;

  const redisClient = (url: string): Redis => {
    if (!redis) {
      // No offline queue: while Redis is away, calls fail at once and the memory fallback answers.
      redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
      redis.on('error', (error: Error) => strapi.log.warn(`Write limit: Redis unavailable (${error.message}); counting per instance`));
    }
    return redis;
  };

  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
    const url = getSettings(strapi).rateLimitRedisUrl;
    if (!url) return memory;
    return new RateLimiterRedis({
      storeClient: redisClient(url),
      keyPrefix: `reactions:${keyPrefix}`,
      points,
      duration: WINDOW_SECONDS,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };

  // Built lazily and rebuilt when the configured rate changes (tests and operators may change it live).
  const getLimiters = (points: number): Limiters => {
    if (!limiters || limiters.points !== points) {
      limiters = {
        points,
        perReader: limiter('reader', points),
        perAddress: limiter('address', points * ADDRESS_FACTOR),
      };
    }
    return limiters;
  };

  const getNewReaderLimiter = (points: number): NewReaderLimiter => {
    if (!newReaders || newReaders.points !== points) newReaders = { points, perAddress: limiter('new-readers', points) };
    return newReaders;
  };

  const getReadLimiters = (points: number): Limiters => {
    if (!reads || reads.points !== points) {
      reads = { points, perReader: limiter('reader-reads', points), perAddress: limiter('address-reads', points * ADDRESS_FACTOR) };
    }
    return reads;
  };

  const refuse = (ctx: Context, rejection: unknown, message: string): never => {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    ctx.set('Retry-After', String(retryAfter));
    throw new errors.RateLimitError(message, { retryAfter });
  };

  // The address is only ever stored as a keyed hash (the limiter's keys may live in Redis).
  const addressKeyOf = (ctx: Context) => getService(strapi, 'readers').addressKey(addressUnit(ctx.ip));

  return {
    /**
     * Connects to Redis at start-up when configured, so the first writes are already counted in
     * the shared store. Redis being down does not stop the CMS: the limit then counts per instance.
     */
    async init(): Promise<void> {
      const url = getSettings(strapi).rateLimitRedisUrl;
      if (!url) return;
      const client = redisClient(url);
      if (client.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          client.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, 5000);
        client.once('ready', done);
      });
    },

    /** Counts one write; throws 429 (and sets Retry-After) when the client is over its limit. */
    async consume(ctx: Context, reader: Reader): Promise<void> {
      const points = getSettings(strapi).rateLimit;
      if (!points || points <= 0) return;
      const { perReader, perAddress } = getLimiters(points);
      try {
        await perAddress.consume(addressKeyOf(ctx));
        // A reader's first write (the one that mints its token) counts too.
        await perReader.consume(reader.key);
      } catch (rejection) {
        refuse(ctx, rejection, 'Too many reactions from this client; try again later.');
      }
    },

    /** Counts one new anonymous reader for the caller's address; 429 past the per-minute bound. */
    async consumeNewReader(ctx: Context): Promise<void> {
      const points = getSettings(strapi).newReadersPerAddress;
      if (!points || points <= 0) return;
      try {
        await getNewReaderLimiter(points).perAddress.consume(addressKeyOf(ctx));
      } catch (rejection) {
        refuse(ctx, rejection, 'Too many new readers from this address; try again later.');
      }
    },

    /**
     * Counts one read of a reader's own reactions: ten times the write limit per reader a minute
     * (and per address ten times that); off when the write limit is off. 429 past it.
     */
    async consumeRead(ctx: Context, reader: Reader): Promise<void> {
      const points = getSettings(strapi).rateLimit * READ_FACTOR;
      if (!points || points <= 0) return;
      const { perReader, perAddress } = getReadLimiters(points);
      try {
        await perAddress.consume(addressKeyOf(ctx));
        await perReader.consume(reader.key);
      } catch (rejection) {
        refuse(ctx, rejection, 'Too many reads of your reactions from this client; try again later.');
      }
    },

    async close(): Promise<void> {
      limiters = null;
      reads = null;
      newReaders = null;
      if (redis) {
        const client = redis;
        redis = null;
        await client.quit().catch(() => client.disconnect());
      }
    },
  };
};
