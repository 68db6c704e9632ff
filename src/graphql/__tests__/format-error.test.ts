import { errors } from '@strapi/utils';
import { GraphQLError } from 'graphql';
import { formatGraphqlError } from '../format-error';

const format = (error: unknown, code?: string) =>
  formatGraphqlError({ message: error instanceof Error ? error.message : String(error), extensions: code ? { code } : {} }, error);

describe('GraphQL errors carry the status REST would answer with', () => {
  it.each([
    [new errors.ValidationError('bad kind', { allowed: ['like'] }), 400, 'ValidationError', 'BAD_USER_INPUT'],
    [new errors.UnauthorizedError('who are you'), 401, 'UnauthorizedError', 'FORBIDDEN'],
    [new errors.ForbiddenError('closed'), 403, 'ForbiddenError', 'FORBIDDEN'],
    [new errors.NotFoundError('no story'), 404, 'NotFoundError', 'STRAPI_NOT_FOUND_ERROR'],
    [new errors.RateLimitError('slow down', { retryAfter: 3 }), 429, 'RateLimitError', 'STRAPI_RATE_LIMIT_ERROR'],
  ])('%s', (error, status, name, code) => {
    const formatted = format(error);
    expect(formatted.extensions?.code).toBe(code);
    expect(formatted.extensions?.error).toEqual({ status, name, message: error.message, details: error.details ?? {} });
  });

  it('answers query mistakes (parse, validation, limits) as a 400 ValidationError, without the "Syntax Error" prefix of limits', () => {
    const formatted = format(new GraphQLError('Syntax Error: Aliases limit of 20 exceeded, found 25.'), 'GRAPHQL_VALIDATION_FAILED');
    expect(formatted.message).toBe('Aliases limit of 20 exceeded, found 25.');
    expect(formatted.extensions?.error).toMatchObject({ status: 400, name: 'ValidationError' });
  });

  it('turns a database mistake made by the client into a 400, and hides anything else as a 500', () => {
    const clientMistake = Object.assign(new Error('invalid input syntax for type integer'), { code: '22P02' });
    expect(format(clientMistake).extensions?.error).toMatchObject({ status: 400, name: 'ValidationError' });
    const log = jest.spyOn((globalThis as unknown as { strapi: { log: { error: (e: unknown) => void } } }).strapi.log, 'error').mockImplementation(() => undefined);
    const ours = format(new Error('connection refused at 10.0.0.5'));
    expect(ours.message).toBe('Internal Server Error');
    expect(JSON.stringify(ours)).not.toContain('10.0.0.5');
    expect(ours.extensions?.error).toMatchObject({ status: 500, name: 'InternalServerError' });
    expect(log).toHaveBeenCalled();
  });
});

beforeAll(() => {
  (globalThis as unknown as { strapi: unknown }).strapi = { log: { error: () => undefined } };
});
