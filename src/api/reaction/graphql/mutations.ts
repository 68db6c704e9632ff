import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isDocumentId } from '../validation';
import type { ResolverContext } from './context';

const targetOf = async (strapi: Core.Strapi, documentId: string) => {
  if (!isDocumentId(documentId)) throw new errors.NotFoundError('No published document with this documentId');
  return strapi.service('api::reaction.reactions').findPublishedTarget(documentId);
};

export const buildMutations = (strapi: Core.Strapi) => ({
  async react(_parent: unknown, args: { documentId: string; kind: string }, { koaContext }: ResolverContext) {
    strapi.service('api::reaction.reactions').assertKind(args.kind);
    const reader = await strapi.service('api::reaction.writes').begin(koaContext);
    const target = await targetOf(strapi, args.documentId);
    const result = await strapi.service('api::reaction.reactions').set(target.uid, args.documentId, reader, args.kind);
    strapi.service('api::reaction.readers').deliverToken(koaContext, reader);
    return result.tally;
  },
  async unreact(_parent: unknown, args: { documentId: string }, { koaContext }: ResolverContext) {
    const reader = await strapi.service('api::reaction.writes').begin(koaContext);
    const target = await targetOf(strapi, args.documentId);
    const result = await strapi.service('api::reaction.reactions').clear(target.uid, args.documentId, reader);
    strapi.service('api::reaction.readers').deliverToken(koaContext, reader);
    return result.tally;
  },
});
