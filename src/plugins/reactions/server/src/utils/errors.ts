/**
 * Errors the plugin answers in several places, worded once, and the adapter that keeps their
 * reason in Strapi's envelope.
 */
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import type { Target } from './settings';

/** 404 for a document readers cannot reach: unknown, draft-only or deleted look the same. */
export const notPublished = (target?: Pick<Target, 'displayName'>) =>
  new errors.NotFoundError(
    target ? `No published ${target.displayName.toLowerCase()} with this documentId` : 'No published document with this documentId'
  );

type Handler = (ctx: Context) => Promise<void>;

/**
 * Strapi's authorize step turns a 401 or 403 thrown below it into a bare "Unauthorized" or
 * "Forbidden"; answering it here keeps the reason (`details.reason`, the message) in the envelope.
 */
export const keepErrorReason =
  (handler: Handler): Handler =>
  async (ctx) => {
    try {
      await handler(ctx);
    } catch (error) {
      if (!(error instanceof errors.UnauthorizedError) && !(error instanceof errors.ForbiddenError)) throw error;
      const status = error instanceof errors.UnauthorizedError ? 401 : 403;
      ctx.status = status;
      ctx.body = { data: null, error: { status, name: error.name, message: error.message, details: error.details ?? {} } };
    }
  };
