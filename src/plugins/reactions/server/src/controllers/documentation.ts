/**
 * Serves the reaction endpoints' OpenAPI document, generated from the plugin's config on each request
 * (cheap: a few hundred objects), so a change of kinds or targets shows up after a restart.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { buildOpenApiDocument } from '../documentation/openapi';
import { getKinds, getSettings, getTargets } from '../utils/settings';
import { MAX_BATCH_IDS } from '../utils/validation';

type MiddlewareEntry = string | { name?: string; config?: { jsonLimit?: string } };

/** The JSON body limit strapi::body runs with (config/middlewares.ts), for the 413 description. */
const jsonBodyLimit = (strapi: Core.Strapi): string => {
  const middlewares = (strapi.config.get('middlewares') as MiddlewareEntry[] | undefined) ?? [];
  const body = middlewares.find((entry) => typeof entry === 'object' && entry?.name === 'strapi::body');
  return (typeof body === 'object' && body?.config?.jsonLimit) || '1mb';
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async openapi(ctx: Context) {
    const settings = getSettings(strapi);
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = buildOpenApiDocument({
      kinds: getKinds(strapi),
      targets: getTargets(strapi).map(({ pluralName, singularName, displayName }) => ({ pluralName, singularName, displayName })),
      anonymous: settings.anonymous,
      rateLimit: settings.rateLimit,
      maxBatchIds: MAX_BATCH_IDS,
      bodyLimit: jsonBodyLimit(strapi),
      version: String(strapi.config.get('info.version') ?? '1.0.0'),
      tallyMaxAge: settings.tallyMaxAge,
    });
  },
});
