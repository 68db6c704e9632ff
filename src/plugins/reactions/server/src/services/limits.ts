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
 * Trends are public reads, but each distinct query runs a GROUP BY: one address may ask
 * `trendsRateLimit` of them a minute, REST and GraphQL together (services/trends.ts spends it).
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

/** A per-minute budget: counted per client address and, when it has one, per reader. */
type BudgetSpec = { name: string; readerPrefix: string | null; addressPrefix: string; addressFactor: number; message: string };
type Budget = { points: number; perReader: RateLimiterAbstract | null; perAddress: RateLimiterAbstract };

const WRITES: BudgetSpec = {
  name: 'writes',
  readerPrefix: 'reader',
  addressPrefix: 'address',
  addressFactor: ADDRESS_FACTOR,
  message: 'Too many reactions from this client; try again later.',
};
const NEW_READERS: BudgetSpec = {
  name: 'new-readers',
  readerPrefix: null,
  addressPrefix: 'new-readers',
  addressFactor: 1,
  message: 'Too many new readers from this address; try again later.',
};
const TRENDS: BudgetSpec = {
  name: 'trends',
  readerPrefix: null,
  addressPrefix: 'address-trends',
  addressFactor: 1,
  message: 'Too many trend queries from this address; try again later.',
};
const READS: BudgetSpec = {
  name: 'reads',
  readerPrefix: 'reader-reads',
  addressPrefix: 'address-reads',
  addressFactor: ADDRESS_FACTOR,
  message: 'Too many reads of your reactions from this client; try again later.',
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const budgets = new Map<string, Budget>();
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
  const budgetOf = (spec: BudgetSpec, points: number): Budget => {
    let budget = budgets.get(spec.name);
    if (!budget || budget.points !== points) {
      budget = {
        points,
        perReader: spec.readerPrefix ? limiter(spec.readerPrefix, points) : null,
        perAddress: limiter(spec.addressPrefix, points * spec.addressFactor),
      };
      budgets.set(spec.name, budget);
    }
    return budget;
  };

  const refuse = (ctx: Context, rejection: unknown, message: string): never => {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    ctx.set('Retry-After', String(retryAfter));
    throw new errors.RateLimitError(message, { retryAfter });
  };

  // The address is only ever stored as a keyed hash (the limiter's keys may live in Redis).
  const addressKeyOf = (ctx: Context) => getService(strapi, 'readers').addressKey(addressUnit(ctx.ip));

  /** Spends one point of a budget (`points` a minute; 0 = off); 429 with Retry-After past it. */
  const spend = async (ctx: Context, spec: BudgetSpec, points: number, reader: Reader | null): Promise<void> => {
    if (!points || points <= 0) return;
    const { perReader, perAddress } = budgetOf(spec, points);
    try {
      await perAddress.consume(addressKeyOf(ctx));
      if (perReader && reader) await perReader.consume(reader.key);
    } catch (rejection) {
      refuse(ctx, rejection, spec.message);
    }
  };

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

    /** Counts one write; the write that mints a reader's token counts too. */
    consume(ctx: Context, reader: Reader): Promise<void> {
      return spend(ctx, WRITES, getSettings(strapi).rateLimit, reader);
    },

    /** Counts one new anonymous reader for the caller's address. */
    consumeNewReader(ctx: Context): Promise<void> {
      return spend(ctx, NEW_READERS, getSettings(strapi).newReadersPerAddress, null);
    },

    /** Counts one trend query for the caller's address. */
    consumeTrends(ctx: Context): Promise<void> {
      return spend(ctx, TRENDS, getSettings(strapi).trendsRateLimit, null);
    },

    /** Counts one read of a reader's own reactions: ten times the write limit; off with it. */
    consumeRead(ctx: Context, reader: Reader): Promise<void> {
      return spend(ctx, READS, getSettings(strapi).rateLimit * READ_FACTOR, reader);
    },

    async close(): Promise<void> {
      budgets.clear();
      if (redis) {
        const client = redis;
        redis = null;
        await client.quit().catch(() => client.disconnect());
      }
    },
  };
};
