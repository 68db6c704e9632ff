/**
 * GraphQL mutations: the same write gate and rules as REST. The kind is a GraphQL enum, so the
 * schema has already refused unknown kinds; an id that cannot name a document is a 404 before
 * the write counts against the limit, as over REST.
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/services';
import type { ResolverContext } from './context';

export const buildMutations = (strapi: Core.Strapi) => {
  const rules = () => getService(strapi, 'rules');
  const readers = () => getService(strapi, 'readers');
  return {
    async react(_parent: unknown, args: { documentId: string; kind: string }, { koaContext }: ResolverContext) {
      rules().requireDocumentId(args.documentId);
      const reader = await readers().forWrite(koaContext);
      const target = await rules().findPublishedTarget(args.documentId);
      const result = await rules().set(target.uid, args.documentId, reader, args.kind);
      readers().deliverToken(koaContext, reader);
      return result.tally;
    },
    async unreact(_parent: unknown, args: { documentId: string }, { koaContext }: ResolverContext) {
      rules().requireDocumentId(args.documentId);
      const reader = await readers().forWrite(koaContext);
      const target = await rules().findPublishedTarget(args.documentId);
      const result = await rules().clear(target.uid, args.documentId, reader);
      readers().deliverToken(koaContext, reader);
      return result.tally;
    },
  };
};
