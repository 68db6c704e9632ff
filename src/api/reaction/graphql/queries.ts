import type { Core } from '@strapi/strapi';
import { getKinds } from '../settings';
import { checkedIds } from '../validation';
import type { ResolverContext } from './context';

export const buildQueries = (strapi: Core.Strapi) => ({
  async reactionTallies(_parent: unknown, args: { documentIds: string[] }, context: ResolverContext) {
    const documentIds = checkedIds(args.documentIds);
    // As over REST: a token this server did not sign is refused here (401), not ignored.
    const reader = strapi.service('api::reaction.readers').identify(context.koaContext, { issue: false });
    return strapi.service('api::reaction.reactions').talliesAcrossTargets(documentIds, reader);
  },
  reactionKinds() {
    return getKinds(strapi).map(({ kind, label, emoji }) => ({ kind, label, emoji }));
  },
});
