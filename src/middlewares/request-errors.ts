/**
 * Turns body-parser failures into Strapi's error envelope: malformed JSON is a 400
 * ValidationError (not a bare BadRequestError), an oversized body a 413 PayloadTooLargeError.
 */
import { errors } from '@strapi/utils';
import type { Context, Next } from 'koa';

type BodyError = Error & { status?: number; type?: string; expose?: boolean };

export default () => async (_ctx: Context, next: Next) => {
  try {
    await next();
  } catch (error) {
    const bodyError = error as BodyError;
    if (bodyError?.type === 'entity.parse.failed' || (bodyError?.status === 400 && bodyError instanceof SyntaxError)) {
      throw new errors.ValidationError('Malformed JSON in the request body');
    }
    if (bodyError?.type === 'entity.too.large' || bodyError?.status === 413) {
      throw new errors.PayloadTooLargeError('The request body is larger than this server accepts');
    }
    if (bodyError?.type === 'encoding.unsupported' || bodyError?.status === 415) {
      throw new errors.ValidationError('Unsupported request body encoding');
    }
    throw error;
  }
};
