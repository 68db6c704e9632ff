/**
 * The GraphQL half of the contract, registered only when @strapi/plugin-graphql is installed,
 * through its extension service. Resolvers are adapters over the same services as REST; raw
 * Reaction rows get no shadow CRUD. The plugin also adds its Apollo guards to the GraphQL
 * plugin's config: query cost limits, per-request reaction limits and published-only reads.
 */
import type { Core } from '@strapi/strapi';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { COUNTER_UID, PLUGIN_ID, REACTION_UID, SETTING_UID, type Tally } from '../../../shared/contract';
import { getKinds, getTargets } from '../utils/settings';
import { loadTally, type ResolverContext } from './context';
import { GRAPHQL_LIMITS, costValidationRules, reactionLimitsPlugin } from './operation-guard';
import { errorStatusPlugin } from './error-status';
import { publishedOnlyPlugin } from './published-only';
import { createGuardScope, graphqlRuntime } from './scope';
import { buildMutations } from './mutations';
import { buildOwnReactionMutations, buildOwnReactionQueries, ownReactionsTypeDefs } from './own-reactions';
import { buildQueries } from './queries';
import { buildTypeDefs } from './types';

// Types whose fields only read properties of an already loaded tally.
const PLAIN_TYPES = ['ReactionTally', 'ReactionCounts', 'ReactionKindInfo'];

type FieldResolver = (parent: { documentId: string }, args: unknown, context: ResolverContext) => Promise<Tally>;

/**
 * Fixes a field's resolver so later wrapping leaves it alone: assignments are ignored.
 *
 * Both the GraphQL plugin (auth/policy middleware) and Apollo Server (per-field plugin hooks,
 * added lazily on the first request because Strapi's root-args plugin listens to
 * `willResolveField`, which only concerns root fields) wrap every field of every type. For a page
 * of 25 articles that is 25 x 12 wrapped, instrumented calls for the tally: several times the
 * cost of the tally's one query. The tally's plain fields keep graphql-js's synchronous default
 * resolver and each target's `reactionTally` its own loader resolver. None of them has auth or
 * policies (`auth: false`; the parent query was authorised); queries and mutations stay wrapped.
 */
const pinResolver = (field: { resolve?: unknown }, resolve: FieldResolver | undefined) => {
  Object.defineProperty(field, 'resolve', {
    configurable: true,
    enumerable: true,
    get: () => resolve,
    set: () => undefined,
  });
};

const pinTallyResolvers = (schema: GraphQLSchema, tallyResolvers: Map<string, FieldResolver>) => {
  const isObject = (type: unknown): type is GraphQLObjectType => graphqlRuntime().isObjectType(type);
  for (const name of PLAIN_TYPES) {
    const type = schema.getType(name);
    if (!isObject(type)) continue;
    for (const field of Object.values(type.getFields())) pinResolver(field, undefined);
  }
  for (const [typeName, resolve] of tallyResolvers) {
    const type = schema.getType(typeName);
    const field = isObject(type) ? type.getFields().reactionTally : undefined;
    if (field) pinResolver(field, resolve);
  }
  return schema;
};

const tallyResolver =
  (strapi: Core.Strapi, targetUid: string): FieldResolver =>
  (parent, _args, context) =>
    loadTally(strapi, context.koaContext, targetUid, parent.documentId);

const ACTIONS = `plugin::${PLUGIN_ID}.reactions`;

type ApolloConfig = { plugins?: unknown[]; validationRules?: unknown[]; parseOptions?: Record<string, unknown> };

/**
 * Adds the guards to the GraphQL plugin's Apollo config, keeping whatever the app configured.
 * Runs in register, before the GraphQL plugin builds its server in bootstrap. The token bound
 * applies while parsing, before any operation is known: only with whole-schema guards.
 */
const addApolloGuards = (strapi: Core.Strapi) => {
  const key = 'plugin::graphql.apolloServer';
  const apollo = (strapi.config.get(key) as ApolloConfig | undefined) ?? {};
  const scope = createGuardScope(strapi);
  strapi.config.set(key, {
    ...apollo,
    ...(scope.wholeSchema ? { parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens, ...apollo.parseOptions } } : {}),
    validationRules: [...(apollo.validationRules ?? []), ...costValidationRules(scope)],
    plugins: [...(apollo.plugins ?? []), reactionLimitsPlugin(scope), publishedOnlyPlugin(strapi, scope), errorStatusPlugin],
  });
};

export const registerGraphql = (strapi: Core.Strapi) => {
  addApolloGuards(strapi);
  // One resolver per target type, built once: given to the extension and pinned on the built schema.
  let tallyResolvers: Map<string, FieldResolver> | null = null;
  const resolversByType = () =>
    (tallyResolvers ??= new Map(getTargets(strapi).map((t) => [t.graphqlTypeName, tallyResolver(strapi, t.uid)])));
  const contentApi = strapi.plugin('graphql').service('content-api') as { buildSchema: () => GraphQLSchema };
  const buildSchema = contentApi.buildSchema.bind(contentApi);
  contentApi.buildSchema = () => pinTallyResolvers(buildSchema(), resolversByType());

  const extension = strapi.plugin('graphql').service('extension');
  extension.shadowCRUD(REACTION_UID).disable();
  extension.shadowCRUD(COUNTER_UID).disable();
  extension.shadowCRUD(SETTING_UID).disable();

  extension.use(() => {
    const targets = getTargets(strapi);
    const targetResolvers = Object.fromEntries([...resolversByType()].map(([typeName, resolve]) => [typeName, { reactionTally: resolve }]));
    return {
      typeDefs: buildTypeDefs(getKinds(strapi), targets) + ownReactionsTypeDefs,
      resolvers: {
        ...targetResolvers,
        Query: { ...buildQueries(strapi), ...buildOwnReactionQueries(strapi) },
        Mutation: { ...buildMutations(strapi), ...buildOwnReactionMutations(strapi) },
      },
      resolversConfig: {
        // Public reads; the reader is still recognised for `mine`.
        'Query.reactionTallies': { auth: { scope: [`${ACTIONS}.tallies`] } },
        'Query.reactionKinds': { auth: { scope: [`${ACTIONS}.kinds`] } },
        'Query.reactionTrends': { auth: { scope: [`plugin::${PLUGIN_ID}.trends.find`] } },
        'Mutation.react': { auth: { scope: [`${ACTIONS}.set`] } },
        'Mutation.unreact': { auth: { scope: [`${ACTIONS}.clear`] } },
        'Query.myReactions': { auth: { scope: [`plugin::${PLUGIN_ID}.mine.find`] } },
        'Mutation.forgetMyReactions': { auth: { scope: [`plugin::${PLUGIN_ID}.mine.forget`] } },
        'Mutation.claimReactions': { auth: { scope: [`plugin::${PLUGIN_ID}.mine.claim`] } },
        ...Object.fromEntries(targets.map((target) => [`${target.graphqlTypeName}.reactionTally`, { auth: false }])),
      },
    };
  });
};
