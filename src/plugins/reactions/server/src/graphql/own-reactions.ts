/**
 * A reader's own reactions over GraphQL: `myReactions`, `forgetMyReactions`, `claimReactions`.
 * Same identity, limits and errors as REST (controllers/mine.ts); the mutations pass the same
 * write gate, so one request is one reader. Pagination reuses Strapi's own `PaginationArg` input
 * and `Pagination` type (page-based only here).
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/services';
import { parsePagination } from '../utils/pagination';
import { checkedIds } from '../utils/validation';
import type { ResolverContext } from './context';

export const ownReactionsTypeDefs = `
  "One of the caller's own reactions. target is the target's plural name, e.g. articles."
  type MyReaction { target: String! documentId: ID! kind: ReactionKind! updatedAt: DateTime! }

  type MyReactionsPage { data: [MyReaction!]! pagination: Pagination! }

  type ReactionsForgotten { removed: Int! }

  "moved: reactions now the account's; dropped: anonymous ones removed where the account had reacted too."
  type ReactionsClaimed { moved: Int! dropped: Int! }

  extend type Query {
    "The caller's reactions on published documents, newest first; empty without an identity. Page-based pagination (pageSize at most 100)."
    myReactions(documentIds: [ID!], pagination: PaginationArg): MyReactionsPage!
  }

  extend type Mutation {
    "Erases every reaction of the caller (JWT or reactor token)."
    forgetMyReactions: ReactionsForgotten!
    "Moves the anonymous reader's reactions (reactor token) to the signed-in account (JWT)."
    claimReactions: ReactionsClaimed!
  }
`;

type PaginationArgument = { page?: number | null; pageSize?: number | null; start?: number | null; limit?: number | null } | null;

export const buildOwnReactionQueries = (strapi: Core.Strapi) => ({
  async myReactions(_parent: unknown, args: { documentIds?: string[] | null; pagination?: PaginationArgument }, { koaContext }: ResolverContext) {
    const pagination = parsePagination(args.pagination ?? undefined);
    const documentIds = args.documentIds === undefined || args.documentIds === null ? null : checkedIds(args.documentIds);
    const reader = getService(strapi, 'readers').owner(koaContext);
    if (reader) await getService(strapi, 'limits').consumeRead(koaContext, reader);
    return getService(strapi, 'ownership').list(reader, { ...pagination, documentIds });
  },
});

export const buildOwnReactionMutations = (strapi: Core.Strapi) => {
  const readers = () => getService(strapi, 'readers');
  return {
    async forgetMyReactions(_parent: unknown, _args: unknown, { koaContext }: ResolverContext) {
      const reader = await readers().forOwnWrite(koaContext);
      return getService(strapi, 'ownership').forget(reader);
    },
    async claimReactions(_parent: unknown, _args: unknown, { koaContext }: ResolverContext) {
      const { user, anonymous } = await readers().claimant(koaContext);
      const result = await getService(strapi, 'ownership').claim(user, anonymous);
      readers().forgetTokenCookie(koaContext, anonymous.token);
      return result;
    },
  };
};
