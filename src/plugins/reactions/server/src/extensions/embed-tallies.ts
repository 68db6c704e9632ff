/**
 * Every reaction target's `find` and `findOne` responses carry `reactionTally`, from config
 * alone: one batch tally per page, so a list costs a fixed number of queries whatever its size.
 * Everything else about Strapi's endpoints is unchanged.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { isIdentityFree } from './public-tallies';
import { getService } from '../utils/services';
import { getSettings, getTargets } from '../utils/settings';

type Entry = { documentId?: unknown; reactionTally?: unknown };
type Controller = Record<string, (ctx: Context, next?: unknown) => unknown>;

export const registerTallyEmbedding = (strapi: Core.Strapi) => {
  const addTallies = async (uid: string, ctx: Context, response: unknown) => {
    // Without identity the page is everyone's: a CDN may keep it briefly (public-tallies.ts).
    const identityFree = isIdentityFree(ctx);
    const cacheFor = (maxAge: number) => ctx.set('Cache-Control', identityFree ? `public, max-age=${maxAge}` : 'private, no-store');
    cacheFor(getSettings(strapi).tallyMaxAge);
    if (!getSettings(strapi).embedTallies || !response || typeof response !== 'object') return response;
    const { data } = response as { data?: Entry | Entry[] | null };
    const entries = (Array.isArray(data) ? data : data ? [data] : []).filter(
      (entry): entry is Entry & { documentId: string } => typeof entry?.documentId === 'string'
    );
    if (entries.length === 0) return response;
    if (identityFree) {
      const cache = getService(strapi, 'tallyCache');
      const { tallies, oldest } = await cache.embedded(
        uid,
        entries.map((entry) => entry.documentId)
      );
      for (const entry of entries) entry.reactionTally = tallies.get(entry.documentId);
      cacheFor(cache.remainingMaxAge(oldest));
      return response;
    }
    // A token this server did not sign only hides `mine` here, rather than failing the page.
    const reader = getService(strapi, 'readers').readerIfValid(ctx);
    const tallies = await getService(strapi, 'rules').tallies(
      uid,
      entries.map((entry) => entry.documentId),
      reader
    );
    for (const entry of entries) entry.reactionTally = tallies.get(entry.documentId);
    return response;
  };

  for (const target of getTargets(strapi)) {
    strapi.get('controllers').extend(target.uid, (controller: Controller) => {
      const { find, findOne } = controller;
      controller.find = async (ctx: Context) => addTallies(target.uid, ctx, await find.call(controller, ctx));
      controller.findOne = async (ctx: Context) => addTallies(target.uid, ctx, await findOne.call(controller, ctx));
      return controller;
    });
  }
};
