/**
 * Bounds what one GraphQL request may cost, refusing with 400 before it runs.
 *
 * - Apollo parses with `maxTokens`, which bounds the document's size before anything else looks
 *   at it. That matters because graphql-js's own validation is superlinear in many aliases of one
 *   field (OverlappingFieldsCanBeMerged compares them pairwise): without the bound, one 150 KB
 *   request of 3000 aliases kept the server busy for seconds.
 * - graphql-armor's validation rules refuse too many aliases, too high a cost or too many
 *   directives, alongside the standard rules (Strapi's depth limit stays in place).
 * - The reaction rules depend on the request's variables, so they run on every request once the
 *   operation is resolved, still before execution: the plugin's mutation fields per request (each
 *   is a write by the same reader) and `reactionTallies`/`myReactions` ids summed over the whole
 *   operation.
 * - Scope (scope.ts): the token bound and the cost rules cover operations that reach the plugin's
 *   types or its targets, and every operation with `graphqlGuardWholeSchema`; a host's own large
 *   queries on its own types are its own business.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
  ValueNode,
} from 'graphql';
import { MAX_BATCH_IDS } from '../utils/validation';
import { PLUGIN_MUTATIONS, graphqlRuntime, type GuardScope } from './scope';

export const GRAPHQL_LIMITS = {
  /** Lexical tokens in one document (Apollo's parser stops counting there). */
  maxTokens: 2000,
  maxAliases: 20,
  maxCost: 5000,
  maxDirectives: 50,
  /** Mutation fields in one request: each is a write by the same reader. */
  maxMutationFields: 10,
  /** `reactionTallies` and `myReactions` ids summed over the whole operation. */
  maxTallyIds: MAX_BATCH_IDS,
} as const;

/** Root fields whose `documentIds` each cost a lookup: they share one budget per operation. */
const ID_LIST_FIELDS = new Set(['reactionTallies', 'myReactions']);

const refuse = (message: string, details: Record<string, unknown>): GraphQLError =>
  new (graphqlRuntime().GraphQLError)(message, { extensions: { code: 'BAD_USER_INPUT', details, http: { status: 400 } } });

// graphql's Kind values, as strings: `graphql` itself is loaded only with the GraphQL plugin.
const FIELD = 'Field';
const INLINE_FRAGMENT = 'InlineFragment';
const OPERATION_DEFINITION = 'OperationDefinition';
const FRAGMENT_DEFINITION = 'FragmentDefinition';
const LIST = 'ListValue';
const VARIABLE = 'Variable';

/** The request's operation, or every operation when it cannot be told (validation reports that later). */
const operationsOf = (document: DocumentNode, operationName?: string | null): OperationDefinitionNode[] => {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === OPERATION_DEFINITION);
  const chosen = operationName ? operations.filter((operation) => operation.name?.value === operationName) : operations.length === 1 ? operations : [];
  return chosen.length === 1 ? chosen : operations;
};

type FieldVisit = (name: string, args: ReadonlyMap<string, ValueNode>, depth: number) => void;

/** Visits every field of a selection set, following fragments once per path (cycles are cut). */
const visitFields = (
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  visit: FieldVisit,
  depth = 0,
  seen: ReadonlySet<string> = new Set()
): void => {
  for (const selection of selectionSet.selections) {
    if (selection.kind === FIELD) {
      visit(selection.name.value, new Map((selection.arguments ?? []).map((a) => [a.name.value, a.value])), depth);
      if (selection.selectionSet) visitFields(selection.selectionSet, fragments, visit, depth + 1, seen);
    } else if (selection.kind === INLINE_FRAGMENT) {
      visitFields(selection.selectionSet, fragments, visit, depth, seen);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment && !seen.has(name)) visitFields(fragment.selectionSet, fragments, visit, depth, new Set([...seen, name]));
    }
  }
};

/** How many ids a `documentIds` argument carries: a list literal, a variable, or a single id. */
const idCount = (value: ValueNode | undefined, variables: Record<string, unknown>): number => {
  if (!value) return 0;
  if (value.kind === LIST) return value.values.length;
  if (value.kind === VARIABLE) {
    const bound = variables[value.name.value];
    return Array.isArray(bound) ? bound.length : bound === undefined || bound === null ? 0 : 1;
  }
  return 1;
};

/**
 * The reaction rules of one request; throws a 400 GraphQLError when one is broken. Mutation
 * fields counted are the plugin's own, or every one with `allMutations` (whole-schema guards).
 */
export const checkReactionLimits = (
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
  { allMutations = false }: { allMutations?: boolean } = {}
): void => {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d])
  );
  let mutationFields = 0;
  let tallyIds = 0;
  for (const operation of operationsOf(document, operationName)) {
    visitFields(operation.selectionSet, fragments, (name, args, depth) => {
      if (depth === 0 && operation.operation === 'mutation' && (allMutations || PLUGIN_MUTATIONS.has(name))) mutationFields += 1;
      if (depth === 0 && ID_LIST_FIELDS.has(name)) tallyIds += idCount(args.get('documentIds'), variables);
    });
  }
  if (mutationFields > GRAPHQL_LIMITS.maxMutationFields) {
    throw refuse(`At most ${GRAPHQL_LIMITS.maxMutationFields} mutation fields per request`, {
      max: GRAPHQL_LIMITS.maxMutationFields,
      received: mutationFields,
    });
  }
  if (tallyIds > GRAPHQL_LIMITS.maxTallyIds) {
    throw refuse(`At most ${GRAPHQL_LIMITS.maxTallyIds} documentIds per operation, across every reactionTallies and myReactions field`, {
      max: GRAPHQL_LIMITS.maxTallyIds,
      received: tallyIds,
    });
  }
};

// Reported as ordinary validation errors (a 400), not thrown.
const report = [(context: { reportError: (error: GraphQLError) => void } | null, error: GraphQLError) => context?.reportError(error)];

/** graphql-armor's alias, cost and directive rules, applied to the operations the scope covers. */
export const costValidationRules = (scope: GuardScope): ValidationRule[] => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { costLimitRule } = require('@escape.tech/graphql-armor-cost-limit') as typeof import('@escape.tech/graphql-armor-cost-limit');
  const { maxAliasesRule } = require('@escape.tech/graphql-armor-max-aliases') as typeof import('@escape.tech/graphql-armor-max-aliases');
  const { maxDirectivesRule } = require('@escape.tech/graphql-armor-max-directives') as typeof import('@escape.tech/graphql-armor-max-directives');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const rules = [
    maxAliasesRule({ n: GRAPHQL_LIMITS.maxAliases, propagateOnRejection: false, onReject: report }),
    costLimitRule({ maxCost: GRAPHQL_LIMITS.maxCost, propagateOnRejection: false, onReject: report }),
    maxDirectivesRule({ n: GRAPHQL_LIMITS.maxDirectives, propagateOnRejection: false, onReject: report }),
  ] as unknown as ValidationRule[];
  return rules.map((rule): ValidationRule => (context: ValidationContext) => (scope.coversDocument(context) ? rule(context) : {}));
};

export const reactionLimitsPlugin = (scope: GuardScope): ApolloServerPlugin => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request }) {
        checkReactionLimits(document, request.operationName, request.variables ?? {}, { allMutations: scope.wholeSchema });
      },
    };
  },
});
