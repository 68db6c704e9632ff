/**
 * What the plugin's GraphQL guards cover. A host's schema is the host's: by default the query
 * limits and the published-only rule apply to operations that reach the plugin's own types or a
 * configured target (its lists, connections, localizations, and relations to it from the host's
 * types). `graphqlGuardWholeSchema: true` extends them to every operation (the newsroom app does).
 *
 * `graphql` is an optional peer, loaded only once the GraphQL plugin runs: the plugin's server
 * starts without it.
 */
import type { Core } from '@strapi/strapi';
import type { DocumentNode, GraphQLNamedType, GraphQLSchema, ValidationContext } from 'graphql';
import { getSettings, getTargets } from '../utils/settings';

/** The object, enum and input types the plugin adds to the schema. */
export const PLUGIN_TYPES = [
  'ReactionKind',
  'ReactionCounts',
  'ReactionTally',
  'ReactionKindInfo',
  'ReactionTrend',
  'ReactionTrendsMeta',
  'ReactionTrends',
  'ReactionWindow',
  'MyReaction',
  'MyReactionsPage',
  'ReactionsForgotten',
  'ReactionsClaimed',
];

/** The plugin's root fields (queries and mutations). */
export const PLUGIN_ROOT_FIELDS = new Set(['reactionTallies', 'reactionKinds', 'reactionTrends', 'myReactions', 'react', 'unreact', 'forgetMyReactions', 'claimReactions']);

/** The plugin's mutations: each is a write by the request's one reader. */
export const PLUGIN_MUTATIONS = new Set(['react', 'unreact', 'forgetMyReactions', 'claimReactions']);

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const graphqlRuntime = () => require('graphql') as typeof import('graphql');

export type GuardScope = {
  wholeSchema: boolean;
  /** Whether a type's fields are guarded (by name, against the schema it belongs to). */
  coversType: (schema: GraphQLSchema, type: GraphQLNamedType | null | undefined) => boolean;
  /** Whether a validated document reaches a guarded type anywhere. */
  coversDocument: (context: ValidationContext) => boolean;
};

export const createGuardScope = (strapi: Core.Strapi): GuardScope => {
  const typesBySchema = new WeakMap<GraphQLSchema, Set<string>>();
  const documents = new WeakMap<DocumentNode, boolean>();
  const wholeSchema = () => getSettings(strapi).graphqlGuardWholeSchema;

  /** The plugin's types, the targets' types, and every type listing targets as `nodes` (connections). */
  const scopeTypes = (schema: GraphQLSchema): Set<string> => {
    let names = typesBySchema.get(schema);
    if (names) return names;
    const { getNamedType, isObjectType } = graphqlRuntime();
    const targets = new Set(getTargets(strapi).map((target) => target.graphqlTypeName));
    names = new Set([...PLUGIN_TYPES, ...targets]);
    for (const type of Object.values(schema.getTypeMap())) {
      const nodes = isObjectType(type) ? type.getFields().nodes : undefined;
      if (nodes && targets.has(getNamedType(nodes.type).name)) names.add(type.name);
    }
    typesBySchema.set(schema, names);
    return names;
  };

  const coversType: GuardScope['coversType'] = (schema, type) =>
    wholeSchema() || Boolean(type && scopeTypes(schema).has(type.name));

  const coversDocument: GuardScope['coversDocument'] = (context) => {
    if (wholeSchema()) return true;
    const document = context.getDocument();
    const known = documents.get(document);
    if (known !== undefined) return known;
    const { TypeInfo, visit, visitWithTypeInfo, getNamedType, BREAK } = graphqlRuntime();
    const schema = context.getSchema();
    const names = scopeTypes(schema);
    const typeInfo = new TypeInfo(schema);
    let covered = false;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field() {
          const parent = typeInfo.getParentType();
          const type = typeInfo.getType();
          if ((parent && names.has(parent.name)) || (type && names.has(getNamedType(type).name))) {
            covered = true;
            return BREAK;
          }
          return undefined;
        },
      })
    );
    documents.set(document, covered);
    return covered;
  };

  return {
    get wholeSchema() {
      return wholeSchema();
    },
    coversType,
    coversDocument,
  };
};
