import type { Core } from '@strapi/strapi';
import { getKinds } from '../settings';
import { parseDocumentIds } from '../validation';
import { readerFor, type ResolverContext } from './context';

export const buildQueries = (strapi: Core.Strapi) => ({
  async reactionTallies(_parent: unknown, args: { documentIds: string[] }, context: ResolverContext) {
    const documentIds = parseDocumentIds(args.documentIds.join(','));
    return strapi
      .service('api::reaction.reactions')
      .talliesAcrossTargets(documentIds, readerFor(strapi, context.koaContext));
  },
  reactionKinds() {
    return getKinds(strapi).map(({ kind, label, emoji }) => ({ kind, label, emoji }));
  },
});
