import { formatGraphqlError } from '../src/api/reaction/graphql/format-error';
import { GRAPHQL_LIMITS, costValidationRules, reactionLimitsPlugin } from '../src/api/reaction/graphql/operation-guard';
import { publishedOnlyPlugin } from '../src/api/reaction/graphql/published-only';

type Env = {
  (key: string, fallback?: string): string;
  int(key: string, fallback?: number): number;
  bool(key: string, fallback?: boolean): boolean;
};

export default ({ env }: { env: Env }) => ({
  'users-permissions': {
    config: {
      jwtSecret: env('JWT_SECRET'),
      jwt: { expiresIn: '30d' },
    },
  },
  graphql: {
    config: {
      endpoint: '/graphql',
      shadowCRUD: true,
      landingPage: false,
      depthLimit: 10,
      defaultLimit: 25,
      maxLimit: 100,
      apolloServer: {
        // Off in production unless asked for: the schema is a map for attackers, not for readers.
        introspection: env.bool('GRAPHQL_INTROSPECTION', env('NODE_ENV', 'development') !== 'production'),
        // Query cost, bounded before anything runs (see operation-guard.ts).
        parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
        validationRules: costValidationRules,
        plugins: [reactionLimitsPlugin, publishedOnlyPlugin],
        // The app-wide strapi::cors middleware answers for /graphql too (credentials only for CORS_ORIGINS).
        cors: false,
        // Adds the REST status to Strapi's extensions.error (see the file for why).
        formatError: formatGraphqlError,
        bodyParserConfig: { jsonLimit: env('BODY_JSON_LIMIT', '256kb') },
      },
    },
  },
});
