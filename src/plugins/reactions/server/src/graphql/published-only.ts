/**
 * Drafts stay private over GraphQL, on every field: readers (public or signed in) only ever get
 * published versions, whatever `status` they ask for at the root or on a nested field; API tokens
 * keep full access, for previews.
 *
 * Enforced in Apollo's `willResolveField`, which sees each field's arguments before its resolver:
 * a per-query middleware would miss nested relation fields, and the GraphQL plugin forwards the
 * root query's original `status` to them (it keeps a copy of the root arguments per request).
 *
 * Scope (scope.ts): fields returning the configured targets (lists, connections, localizations,
 * relations to them from the host's types), or every field with `graphqlGuardWholeSchema`; a
 * host's own types keep whatever draft rules the host chose.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Core } from '@strapi/strapi';
import type { GraphQLField } from 'graphql';
import { GRAPHQL_FILTER_SYNTAX, publishedOnlyFilters } from '../utils/published-filters';
import { isApiTokenCaller } from '../utils/settings';
import { graphqlRuntime, type GuardScope } from './scope';

type StrapiGraphqlContext = {
  state?: { auth?: unknown };
  rootQueryArgsByPath?: Map<string | number, Record<string, unknown>>;
};

const hasStatusArgument = (field: GraphQLField<unknown, unknown> | undefined) => Boolean(field?.args.some((argument) => argument.name === 'status'));

const CONNECTION_SUFFIXES = /(EntityResponseCollection|RelationResponseCollection)$/;

/** The content type behind a GraphQL type (a document, or a connection of them). */
const contentTypeOf = (strapi: Core.Strapi) => {
  const byName = new Map<string, string>();
  return (typeName: string): string | undefined => {
    if (byName.size === 0) {
      for (const [uid, contentType] of Object.entries(strapi.contentTypes)) byName.set(String((contentType as { globalId?: string }).globalId), uid);
    }
    return byName.get(typeName.replace(CONNECTION_SUFFIXES, ''));
  };
};

export const publishedOnlyPlugin = (strapi: Core.Strapi, scope: GuardScope): ApolloServerPlugin => {
  const uidOf = contentTypeOf(strapi);
  return {
    async requestDidStart({ contextValue }) {
      if (isApiTokenCaller((contextValue as StrapiGraphqlContext).state)) return {};
      return {
        async executionDidStart() {
          return {
            willResolveField({ args, info, contextValue: context }) {
              if (!hasStatusArgument(info.parentType.getFields()[info.fieldName])) return;
              const returned = graphqlRuntime().getNamedType(info.returnType);
              if (!scope.coversType(info.schema, returned)) return;
              const fieldArgs = args as Record<string, unknown>;
              fieldArgs.status = 'published';
              const uid = uidOf(returned.name);
              if (uid && fieldArgs.filters) fieldArgs.filters = publishedOnlyFilters(strapi, uid, fieldArgs.filters, GRAPHQL_FILTER_SYNTAX);
              // Relation fields inherit the root query's status from this copy.
              const root = (context as StrapiGraphqlContext).rootQueryArgsByPath?.get(info.path.key);
              if (!info.path.prev && root) root.status = 'published';
            },
          };
        },
      };
    },
  };
};
