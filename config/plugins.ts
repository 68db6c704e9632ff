import type { Core } from '@strapi/strapi';
import { formatGraphqlError } from '../src/graphql/format-error';

export default ({ env }: Core.Config.Shared.ConfigParams) => ({
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
        // The app-wide strapi::cors middleware answers for /graphql too (credentials only for CORS_ORIGINS).
        cors: false,
        // Adds the REST status to Strapi's extensions.error (see the file for why).
        formatError: formatGraphqlError,
        bodyParserConfig: { jsonLimit: env('BODY_JSON_LIMIT', '256kb') },
      },
    },
  },
  // Reactions: the plugin adds its GraphQL guards (cost limits, drafts) to the config above.
  reactions: {
    enabled: true,
    resolve: './src/plugins/reactions',
    config: {
      targets: ['api::article.article', 'api::video.video'],
      // The newsroom's whole GraphQL schema gets the plugin's query limits and published-only reads.
      graphqlGuardWholeSchema: true,
      // The seven default kinds; list them here to relabel, reorder, add or retire kinds.
    },
  },
});
