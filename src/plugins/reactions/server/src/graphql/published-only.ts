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
import type { GraphQLField } from 'graphql';
import { isApiTokenCaller } from '../utils/settings';
import { graphqlRuntime, type GuardScope } from './scope';

type StrapiGraphqlContext = {
  state?: { auth?: unknown };
  rootQueryArgsByPath?: Map<string | number, Record<string, unknown>>;
};

const hasStatusArgument = (field: GraphQLField<unknown, unknown> | undefined) =>
  Boolean(field?.args.some((argument) => argument.name === 'status'));

export const publishedOnlyPlugin = (scope: GuardScope): ApolloServerPlugin => ({
  async requestDidStart({ contextValue }) {
    if (isApiTokenCaller((contextValue as StrapiGraphqlContext).state)) return {};
    return {
      async executionDidStart() {
        return {
          willResolveField({ args, info, contextValue: context }) {
            if (!hasStatusArgument(info.parentType.getFields()[info.fieldName])) return;
            if (!scope.coversType(info.schema, graphqlRuntime().getNamedType(info.returnType))) return;
            (args as Record<string, unknown>).status = 'published';
            // Relation fields inherit the root query's status from this copy.
            const root = (context as StrapiGraphqlContext).rootQueryArgsByPath?.get(info.path.key);
            if (!info.path.prev && root) root.status = 'published';
          },
        };
      },
    };
  },
});
