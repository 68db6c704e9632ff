/**
 * Page-based pagination as Strapi's REST lists take it: `pagination[page]` (from 1) and
 * `pagination[pageSize]` (default 25, at most 100). Anything else is a 400, never a silent
 * clamp, so a client learns its mistake.
 */
import { errors } from '@strapi/utils';
import type { PagePagination } from '../../../shared/contract';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** A bound that no reader reaches (a million pages), so offsets stay small integers. */
export const MAX_PAGE = 1_000_000;

export type PageRequest = { page: number; pageSize: number };

const ALLOWED = ['page', 'pageSize'];

const integerIn = (raw: unknown, name: string, min: number, max: number): number => {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,7}$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new errors.ValidationError(`pagination[${name}] must be an integer from ${min} to ${max}`, { [name]: { min, max } });
  }
  return Number(text);
};

/** `ctx.query.pagination` (REST) or the GraphQL `pagination` argument. */
export const parsePagination = (raw: unknown): PageRequest => {
  if (raw === undefined || raw === null) return { page: 1, pageSize: DEFAULT_PAGE_SIZE };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new errors.ValidationError('pagination takes pagination[page] and pagination[pageSize]', { allowed: ALLOWED });
  }
  const given = Object.entries(raw as Record<string, unknown>).filter(([, value]) => value !== undefined && value !== null);
  const unexpected = given.map(([key]) => key).filter((key) => !ALLOWED.includes(key));
  if (unexpected.length > 0) {
    throw new errors.ValidationError('pagination takes pagination[page] and pagination[pageSize] only', {
      allowed: ALLOWED,
      unexpected: unexpected.slice(0, 10).map((key) => key.slice(0, 40)),
    });
  }
  const values = Object.fromEntries(given);
  return {
    page: values.page === undefined ? 1 : integerIn(values.page, 'page', 1, MAX_PAGE),
    pageSize: values.pageSize === undefined ? DEFAULT_PAGE_SIZE : integerIn(values.pageSize, 'pageSize', 1, MAX_PAGE_SIZE),
  };
};

export const pageMeta = ({ page, pageSize }: PageRequest, total: number): PagePagination => ({
  page,
  pageSize,
  pageCount: Math.ceil(total / pageSize),
  total,
});
