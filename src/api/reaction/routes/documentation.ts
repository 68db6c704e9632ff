/**
 * The reaction endpoints' OpenAPI document. Public and identity-free (`auth: false`), so
 * documentation tools and code generators can fetch it without a token.
 * The human-readable page that renders it is the static `public/api-docs/`.
 */
export default {
  type: 'content-api',
  routes: [
    {
      method: 'GET',
      path: '/reactions/openapi.json',
      handler: 'documentation.openapi',
      config: { auth: false },
    },
  ],
};
