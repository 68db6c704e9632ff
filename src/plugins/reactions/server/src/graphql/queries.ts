import type { Core } from '@strapi/strapi';
import { getService } from '../utils/services';
import { kindInfos } from '../utils/settings';
import { checkedIds } from '../utils/validation';
import type { ResolverContext } from './context';
import { buildTrendsQuery } from './trends';

export const buildQueries = (strapi: Core.Strapi) => ({
  async reactionTallies(_parent: unknown, args: { documentIds: string[] }, context: ResolverContext) {
    const documentIds = checkedIds(args.documentIds);
    // As over REST: a token this server did not sign is refused here (401), not ignored.
    const reader = getService(strapi, 'readers').identify(context.koaContext, { issue: false });
    return getService(strapi, 'rules').talliesAcrossTargets(documentIds, reader);
  },
  reactionKinds() {
    return kindInfos(strapi);
  },
  ...buildTrendsQuery(strapi),
});
