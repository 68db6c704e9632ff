/**
 * A reader's own reactions over REST: list (`GET /api/reactions/mine`), erase
 * (`DELETE /api/reactions/mine`) and claim on sign-in (`POST /api/reactions/claim`). Thin
 * adapters: identity from the readers service, rules in the ownership service. Every answer is
 * the caller's own and private to them.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/services';
import { parsePagination } from '../utils/pagination';
import { parseDocumentIds } from '../utils/validation';
import { keepErrorReason } from '../utils/errors';
import { privateResponse } from './reactions';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const readers = () => getService(strapi, 'readers');
  const ownership = () => getService(strapi, 'ownership');

  return {
    /** No identity at all: an empty list (a reader without a token has no reactions). */
    find: keepErrorReason(async (ctx: Context) => {
      privateResponse(ctx);
      const pagination = parsePagination(ctx.query.pagination);
      const documentIds = ctx.query.documentIds === undefined ? null : parseDocumentIds(ctx.query.documentIds);
      const reader = readers().owner(ctx);
      if (reader) await getService(strapi, 'limits').consumeRead(ctx, reader);
      const { data, pagination: meta } = await ownership().list(reader, { ...pagination, documentIds });
      ctx.body = { data, meta: { pagination: meta } };
    }),

    forget: keepErrorReason(async (ctx: Context) => {
      privateResponse(ctx);
      const reader = await readers().forOwnWrite(ctx);
      ctx.body = { data: await ownership().forget(reader) };
    }),

    /** Needs the account (JWT: else 401) and the anonymous reader's token (else 400). */
    claim: keepErrorReason(async (ctx: Context) => {
      privateResponse(ctx);
      const { user, anonymous } = await readers().claimant(ctx);
      const result = await ownership().claim(user, anonymous);
      readers().forgetTokenCookie(ctx, anonymous.token);
      ctx.body = { data: result };
    }),
  };
};
