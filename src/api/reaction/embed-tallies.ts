/**
 * Extends every reaction target's stock controller, from config alone:
 * - `find` and `findOne` responses carry `reactionTally`, one batch tally per page (a fixed
 *   number of queries whatever the page size);
 * - the public and signed-in readers only ever see published versions; API tokens may still
 *   ask for drafts (`status=draft`), e.g. for previews.
 * Everything else about Strapi's endpoints is unchanged.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getSettings, getTargets, isApiTokenCaller } from './settings';

type Entry = { documentId?: unknown; reactionTally?: unknown };
type Controller = Record<string, (ctx: Context, next?: unknown) => unknown>;

export const registerTallyEmbedding = (strapi: Core.Strapi) => {
  const addTallies = async (uid: string, ctx: Context, response: unknown) => {
    if (!getSettings(strapi).embedTallies || !response || typeof response !== 'object') return response;
    const { data } = response as { data?: Entry | Entry[] | null };
    const entries = (Array.isArray(data) ? data : data ? [data] : []).filter(
      (entry): entry is Entry & { documentId: string } => typeof entry?.documentId === 'string'
    );
    if (entries.length === 0) return response;
    const reader = strapi.service('api::reaction.readers').readerIfValid(ctx);
    const tallies = await strapi.service('api::reaction.reactions').tallies(
      uid,
      entries.map((entry) => entry.documentId),
      reader
    );
    for (const entry of entries) entry.reactionTally = tallies.get(entry.documentId);
    return response;
  };

  const publishedOnly = (ctx: Context) => {
    if (isApiTokenCaller(ctx.state) || ctx.query.status === undefined || ctx.query.status === 'published') return;
    ctx.query = { ...ctx.query, status: 'published' };
  };

  for (const target of getTargets(strapi)) {
    strapi.get('controllers').extend(target.uid, (controller: Controller) => {
      // Wrapped in place: the core controller keeps its prototype (sanitizers, transformResponse).
      const { find, findOne } = controller;
      controller.find = async (ctx: Context) => {
        publishedOnly(ctx);
        return addTallies(target.uid, ctx, await find.call(controller, ctx));
      };
      controller.findOne = async (ctx: Context) => {
        publishedOnly(ctx);
        return addTallies(target.uid, ctx, await findOne.call(controller, ctx));
      };
      return controller;
    });
  }
};
