import { formatGraphqlError } from '../src/api/reaction/graphql/format-error';

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
        introspection: true,
        // Adds the REST status to Strapi's extensions.error (see the file for why).
        formatError: formatGraphqlError,
        bodyParserConfig: { jsonLimit: env('BODY_JSON_LIMIT', '256kb') },
      },
    },
  },
});
