/**
 * The content API's reaction endpoints: thin adapters that read the request, call the rules
 * service and shape `{ data }`. Who the reader is comes from the readers service; every rule
 * lives in the rules service.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { answerPublicTallies, answerPublicTally, isIdentityFree } from '../extensions/public-tallies';
import { keepErrorReason } from '../utils/errors';
import { getService } from '../utils/services';
import { findTargetByPluralName, getKindKeys, kindInfos, type Target } from '../utils/settings';
import { parseDocumentIds, parseSetBody } from '../utils/validation';

/** Responses that carry the caller's own reaction are theirs alone: never stored by a shared cache. */
export const privateResponse = (ctx: Context) => {
  ctx.set('Cache-Control', 'private, no-store');
  ctx.vary('Authorization');
  ctx.vary('Cookie');
  ctx.vary('X-Reactor-Token');
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const rules = () => getService(strapi, 'rules');
  const readers = () => getService(strapi, 'readers');

  /** `/api/<pluralName>/:documentId/reactions`: the target named by the path, or 404. */
  const targetOf = (ctx: Context): Target => {
    const target = findTargetByPluralName(strapi, String(ctx.params.pluralName));
    if (!target) throw new errors.NotFoundError('Reactions are not enabled for this content type');
    return target;
  };

  return {
    tally: keepErrorReason(async (ctx) => {
      const target = targetOf(ctx);
      // Without identity the tally is everyone's: cacheable, from memory (extensions/public-tallies.ts).
      if (isIdentityFree(ctx)) return answerPublicTally(strapi, ctx, target, ctx.params.documentId);
      const reader = readers().identify(ctx, { issue: false });
      privateResponse(ctx);
      ctx.body = { data: await rules().tally(target.uid, ctx.params.documentId, reader) };
    }),

    set: keepErrorReason(async (ctx) => {
      const target = targetOf(ctx);
      const kind = parseSetBody(ctx.request.body, getKindKeys(strapi));
      const documentId = rules().requireDocumentId(ctx.params.documentId, target);
      const reader = await readers().forWrite(ctx);
      const result = await rules().set(target.uid, documentId, reader, kind);
      readers().deliverToken(ctx, reader);
      privateResponse(ctx);
      ctx.status = result.created ? 201 : 200;
      ctx.body = { data: result.tally };
    }),

    clear: keepErrorReason(async (ctx) => {
      const target = targetOf(ctx);
      const documentId = rules().requireDocumentId(ctx.params.documentId, target);
      const reader = await readers().forWrite(ctx);
      const result = await rules().clear(target.uid, documentId, reader);
      readers().deliverToken(ctx, reader);
      privateResponse(ctx);
      ctx.body = { data: result.tally };
    }),

    tallies: keepErrorReason(async (ctx) => {
      const documentIds = parseDocumentIds(ctx.query.documentIds);
      if (isIdentityFree(ctx)) return answerPublicTallies(strapi, ctx, documentIds);
      const reader = readers().identify(ctx, { issue: false });
      privateResponse(ctx);
      ctx.body = { data: await rules().talliesAcrossTargets(documentIds, reader) };
    }),

    async kinds(ctx: Context) {
      ctx.body = { data: kindInfos(strapi) };
    },
  };
};
