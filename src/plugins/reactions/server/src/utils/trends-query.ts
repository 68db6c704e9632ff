/**
 * Validation of the trends query (`GET /api/reaction-trends`): target, window, kind, limit and
 * nothing else. Pure, so REST and GraphQL share it and it is unit-tested on its own.
 */
import { errors } from '@strapi/utils';
import { TREND_WINDOWS, type TrendWindow } from '../../../shared/contract';

export const MAX_TREND_LIMIT = 50;
export const DEFAULT_TREND_LIMIT = 10;
export const DEFAULT_TREND_WINDOW: TrendWindow = '24h';

export const WINDOW_MS: Record<TrendWindow, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export type TrendsInput = { target: string; window: TrendWindow; kind: string | null; limit: number };

const ALLOWED_PARAMS = ['target', 'window', 'kind', 'limit'];

/** One value per parameter: a repeated or bracketed parameter is refused, never guessed at. */
const single = (query: Record<string, unknown>, name: string): string | undefined => {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new errors.ValidationError(`${name} must be given once, as a plain value`, { param: name });
  return value;
};

/**
 * `targets` are the configured pluralNames (the first is the default), `kinds` the configured
 * kinds. Anything else answers 400 with what is allowed in `details`.
 */
export const parseTrendsQuery = (query: Record<string, unknown>, targets: string[], kinds: string[]): TrendsInput => {
  const unexpected = Object.keys(query).filter((key) => !ALLOWED_PARAMS.includes(key));
  if (unexpected.length > 0) {
    throw new errors.ValidationError('Unknown query parameters', { unexpected: unexpected.slice(0, 20), allowed: ALLOWED_PARAMS });
  }
  const target = single(query, 'target') ?? targets[0];
  if (!targets.includes(target)) throw new errors.ValidationError('target must be a content type with reactions', { allowed: targets });
  const window = single(query, 'window') ?? DEFAULT_TREND_WINDOW;
  if (!(TREND_WINDOWS as readonly string[]).includes(window)) {
    throw new errors.ValidationError('window must be one of 1h, 24h, 7d, 30d', { allowed: [...TREND_WINDOWS] });
  }
  const kind = single(query, 'kind') ?? null;
  if (kind !== null && !kinds.includes(kind)) throw new errors.ValidationError('Unknown reaction kind', { allowed: kinds });
  const rawLimit = single(query, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_TREND_LIMIT : /^[0-9]{1,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TREND_LIMIT) {
    throw new errors.ValidationError(`limit must be an integer from 1 to ${MAX_TREND_LIMIT}`, { min: 1, max: MAX_TREND_LIMIT });
  }
  return { target, window: window as TrendWindow, kind, limit };
};
