/**
 * REST adapter over the reactions service: read the request, call the service, shape `{ data }`.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { getKinds } from '../settings';
import { isDocumentId, parseDocumentIds, parseSetBody } from '../validation';

/** Set by the per-target route (see routes/reaction.ts). */
const targetOf = (ctx: Context): string => ctx.state.reactionTarget as string;

const documentIdOf = (ctx: Context): string => {
  const { documentId } = ctx.params;
  if (!isDocumentId(documentId)) throw new errors.NotFoundError('No published document with this documentId');
  return documentId;
};

type Handler = (ctx: Context) => Promise<void>;

/**
 * Strapi's authorize step turns an UnauthorizedError thrown below it into a bare "Unauthorized";
 * answering it here keeps the reason (forged token, anonymous reactions off) in the envelope.
 */
const keepUnauthorizedReason =
  (handler: Handler): Handler =>
  async (ctx) => {
    try {
      await handler(ctx);
    } catch (error) {
      if (!(error instanceof errors.UnauthorizedError)) throw error;
      ctx.status = 401;
      ctx.body = { data: null, error: { status: 401, name: error.name, message: error.message, details: error.details ?? {} } };
    }
  };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const reactions = () => strapi.service('api::reaction.reactions');
  const readers = () => strapi.service('api::reaction.readers');
  const writes = () => strapi.service('api::reaction.writes');

  return {
    tally: keepUnauthorizedReason(async (ctx) => {
      const reader = readers().identify(ctx, { issue: false });
      ctx.body = { data: await reactions().tally(targetOf(ctx), documentIdOf(ctx), reader) };
    }),

    set: keepUnauthorizedReason(async (ctx) => {
      const kind = parseSetBody(ctx.request.body, reactions().kinds());
      const documentId = documentIdOf(ctx);
      const reader = await writes().begin(ctx);
      const result = await reactions().set(targetOf(ctx), documentId, reader, kind);
      readers().deliverToken(ctx, reader);
      ctx.status = result.created ? 201 : 200;
      ctx.body = { data: result.tally };
    }),

    clear: keepUnauthorizedReason(async (ctx) => {
      const documentId = documentIdOf(ctx);
      const reader = await writes().begin(ctx);
      const result = await reactions().clear(targetOf(ctx), documentId, reader);
      readers().deliverToken(ctx, reader);
      ctx.body = { data: result.tally };
    }),

    tallies: keepUnauthorizedReason(async (ctx) => {
      const documentIds = parseDocumentIds(ctx.query.documentIds);
      const reader = readers().identify(ctx, { issue: false });
      ctx.body = { data: await reactions().talliesAcrossTargets(documentIds, reader) };
    }),

    async kinds(ctx: Context) {
      ctx.body = { data: getKinds(strapi).map(({ kind, label, emoji }) => ({ kind, label, emoji })) };
    },
  };
};
