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
import { getSettings, getTargets } from './settings';

type Entry = { documentId?: unknown; reactionTally?: unknown };
type Controller = Record<string, (ctx: Context, next?: unknown) => unknown>;

const isApiToken = (ctx: Context) =>
  (ctx.state.auth as { strategy?: { name?: string } } | undefined)?.strategy?.name === 'api-token';

export const registerTallyEmbedding = (strapi: Core.Strapi) => {
  const addTallies = async (uid: string, ctx: Context, response: unknown) => {
    if (!getSettings(strapi).embedTallies || !response || typeof response !== 'object') return response;
    const { data } = response as { data?: Entry | Entry[] | null };
    const entries = (Array.isArray(data) ? data : data ? [data] : []).filter(
      (entry): entry is Entry & { documentId: string } => typeof entry?.documentId === 'string'
    );
    if (entries.length === 0) return response;
    let reader = null;
    try {
      reader = strapi.service('api::reaction.readers').identify(ctx, { issue: false });
    } catch {
      // A bad reactor token does not break Strapi's own endpoints: the page is served without `mine`.
    }
    const tallies = await strapi.service('api::reaction.reactions').tallies(
      uid,
      entries.map((entry) => entry.documentId),
      reader
    );
    for (const entry of entries) entry.reactionTally = tallies.get(entry.documentId);
    return response;
  };

  const publishedOnly = (ctx: Context) => {
    if (isApiToken(ctx) || ctx.query.status === undefined || ctx.query.status === 'published') return;
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
