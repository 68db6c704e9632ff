import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isDocumentId } from '../validation';
import type { ResolverContext } from './context';

// As over REST: an id that cannot name a document is a 404 before the write counts against the limit.
const assertDocumentId = (documentId: string) => {
  if (!isDocumentId(documentId)) throw new errors.NotFoundError('No published document with this documentId');
};

export const buildMutations = (strapi: Core.Strapi) => ({
  // The kind is a GraphQL enum, so the schema has already refused unknown kinds.
  async react(_parent: unknown, args: { documentId: string; kind: string }, { koaContext }: ResolverContext) {
    assertDocumentId(args.documentId);
    const reader = await strapi.service('api::reaction.writes').begin(koaContext);
    const target = await strapi.service('api::reaction.reactions').findPublishedTarget(args.documentId);
    const result = await strapi.service('api::reaction.reactions').set(target.uid, args.documentId, reader, args.kind);
    strapi.service('api::reaction.readers').deliverToken(koaContext, reader);
    return result.tally;
  },
  async unreact(_parent: unknown, args: { documentId: string }, { koaContext }: ResolverContext) {
    assertDocumentId(args.documentId);
    const reader = await strapi.service('api::reaction.writes').begin(koaContext);
    const target = await strapi.service('api::reaction.reactions').findPublishedTarget(args.documentId);
    const result = await strapi.service('api::reaction.reactions').clear(target.uid, args.documentId, reader);
    strapi.service('api::reaction.readers').deliverToken(koaContext, reader);
    return result.tally;
  },
});
