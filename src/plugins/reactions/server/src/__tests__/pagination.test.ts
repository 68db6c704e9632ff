import { errors } from '@strapi/utils';
import { MAX_PAGE, pageMeta, parsePagination } from '../utils/pagination';

const refusal = (raw: unknown) => {
  try {
    parsePagination(raw);
  } catch (error) {
    return error as InstanceType<typeof errors.ValidationError>;
  }
  throw new Error(`expected a ValidationError for ${JSON.stringify(raw)}`);
};

describe('page-based pagination', () => {
  it('defaults to page 1 of 25 and reads strings (REST) and numbers (GraphQL)', () => {
    expect(parsePagination(undefined)).toEqual({ page: 1, pageSize: 25 });
    expect(parsePagination({})).toEqual({ page: 1, pageSize: 25 });
    expect(parsePagination({ page: '3', pageSize: '100' })).toEqual({ page: 3, pageSize: 100 });
    expect(parsePagination({ page: 2, pageSize: 1, start: null, limit: null })).toEqual({ page: 2, pageSize: 1 });
    expect(parsePagination({ page: String(MAX_PAGE) }).page).toBe(MAX_PAGE);
  });

  it('refuses anything else with a ValidationError, never a silent clamp', () => {
    for (const raw of ['5', [], { pageSize: '101' }, { pageSize: '0' }, { page: '0' }, { page: '-1' }, { page: '1.5' }, { page: 'x' },
      { page: String(MAX_PAGE + 1) }, { page: { $gt: 1 } }, { start: 0 }, { limit: 10 }, { withCount: 'false' }]) {
      expect(refusal(raw)).toBeInstanceOf(errors.ValidationError);
    }
    expect(refusal({ start: 0, limit: 5 }).details).toMatchObject({ allowed: ['page', 'pageSize'], unexpected: ['start', 'limit'] });
  });

  it('gives Strapi\'s meta: pageCount rounds up, and is 0 for nothing', () => {
    expect(pageMeta({ page: 2, pageSize: 3 }, 4)).toEqual({ page: 2, pageSize: 3, pageCount: 2, total: 4 });
    expect(pageMeta({ page: 1, pageSize: 25 }, 0)).toEqual({ page: 1, pageSize: 25, pageCount: 0, total: 0 });
  });
});
