/**
 * The GraphQL half of the contract, registered through the GraphQL plugin's extension service.
 * Resolvers are adapters over the same services as REST; raw Reaction rows get no shadow CRUD.
 */
import type { Core } from '@strapi/strapi';
import { GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { COUNTER_UID, REACTION_UID, getKinds, getTargets } from '../settings';
import type { Tally } from '../services/reactions';
import { loadTally, type ResolverContext } from './context';
import { buildMutations } from './mutations';
import { buildQueries } from './queries';
import { buildTypeDefs } from './types';

type Resolve = (parent: unknown, args: Record<string, unknown>, context: ResolverContext, info: unknown) => unknown;

/** As over REST: the public and signed-in readers only see published versions; API tokens may ask for drafts. */
const publishedOnly = (resolve: Resolve, parent: unknown, args: Record<string, unknown>, context: ResolverContext, info: unknown) => {
  const strategy = (context.state.auth as { strategy?: { name?: string } } | undefined)?.strategy?.name;
  const status = strategy === 'api-token' ? args.status : 'published';
  return resolve(parent, { ...args, ...(status === undefined ? {} : { status }) }, context, info);
};

const publishedOnlyQueries = (targets: Array<{ singularName: string; pluralName: string }>) =>
  Object.fromEntries(
    targets.flatMap((target) =>
      [target.singularName, target.pluralName, `${target.pluralName}_connection`].map((name) => [
        `Query.${name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())}`,
        { middlewares: [publishedOnly] },
      ])
    )
  );

// Types whose fields only read properties of an already authorised, already loaded tally.
const PLAIN_TYPES = ['ReactionTally', 'ReactionCounts', 'ReactionKindInfo'];

/**
 * The GraphQL plugin wraps every field of every type in async auth/policy middleware. For the
 * tally's plain fields (25 articles x 11 fields per page) that wrapping costs more than the
 * tally itself, so they get graphql-js's default, synchronous property resolver back. The
 * fields that load or authorise (Article.reactionTally, queries, mutations) stay wrapped.
 */
const unwrapPlainFields = (schema: GraphQLSchema) => {
  for (const name of PLAIN_TYPES) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const field of Object.values(type.getFields())) field.resolve = undefined;
  }
  return schema;
};

export const registerGraphql = (strapi: Core.Strapi) => {
  const contentApi = strapi.plugin('graphql').service('content-api') as { buildSchema: () => GraphQLSchema };
  const buildSchema = contentApi.buildSchema.bind(contentApi);
  contentApi.buildSchema = () => unwrapPlainFields(buildSchema());

  const extension = strapi.plugin('graphql').service('extension');
  extension.shadowCRUD(REACTION_UID).disable();
  extension.shadowCRUD(COUNTER_UID).disable();

  extension.use(() => {
    const targets = getTargets(strapi);
    const targetResolvers = Object.fromEntries(
      targets.map((target) => [
        target.graphqlTypeName,
        {
          reactionTally: (parent: { documentId: string }, _args: unknown, context: ResolverContext): Promise<Tally> =>
            loadTally(strapi, context.koaContext, target.uid, parent.documentId),
        },
      ])
    );
    return {
      typeDefs: buildTypeDefs(getKinds(strapi), targets),
      resolvers: {
        ...targetResolvers,
        Query: buildQueries(strapi),
        Mutation: buildMutations(strapi),
      },
      resolversConfig: {
        // Public reads; the reader is still recognised for `mine`.
        'Query.reactionTallies': { auth: { scope: ['api::reaction.reaction.tallies'] } },
        'Query.reactionKinds': { auth: { scope: ['api::reaction.reaction.kinds'] } },
        'Mutation.react': { auth: { scope: ['api::reaction.reaction.set'] } },
        'Mutation.unreact': { auth: { scope: ['api::reaction.reaction.clear'] } },
        ...Object.fromEntries(targets.map((target) => [`${target.graphqlTypeName}.reactionTally`, { auth: false }])),
        ...publishedOnlyQueries(targets),
      },
    };
  });
};
