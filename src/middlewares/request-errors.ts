/**
 * Keeps client mistakes client errors, in Strapi's envelope:
 * - malformed JSON is a 400 ValidationError (not a bare BadRequestError), an oversized body 413;
 * - query parameters that slip past Strapi's own validation and only fail deeper (an unknown
 *   sort field, `fields[0]=constructor`, `filters[0]=...`, a text where the database wants a
 *   number) are a 400 ValidationError instead of a 500;
 * - a method a route does not have is a 405 with a body.
 */
import { errors } from '@strapi/utils';
import type { Context, Next } from 'koa';
import { asClientError } from '../utils/client-errors';

type RequestError = Error & { status?: number; type?: string };

export default () => async (ctx: Context, next: Next) => {
  try {
    await next();
    if (ctx.status === 405 && !ctx.body) {
      ctx.body = {
        data: null,
        error: { status: 405, name: 'MethodNotAllowedError', message: `${ctx.method} is not allowed here`, details: {} },
      };
    }
  } catch (error) {
    const requestError = error as RequestError;
    if (error instanceof errors.ApplicationError) throw error;
    if (requestError?.type === 'entity.parse.failed' || (requestError?.status === 400 && requestError instanceof SyntaxError)) {
      throw new errors.ValidationError('Malformed JSON in the request body');
    }
    if (requestError?.type === 'entity.too.large' || requestError?.status === 413) {
      throw new errors.PayloadTooLargeError('The request body is larger than this server accepts');
    }
    if (requestError?.type === 'encoding.unsupported' || requestError?.status === 415) {
      throw new errors.ValidationError('Unsupported request body encoding');
    }
    throw asClientError(error) ?? error;
  }
};
