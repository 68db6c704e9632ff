/**
 * The paths the plugin answers or shapes: its own routes, the targets' find/findOne and their
 * reaction routes, and GraphQL. Matched case-insensitively, as Strapi's router matches. Built on
 * first use, when targets and the GraphQL endpoint are known.
 */
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { getTargets } from './settings';

const trimSlashes = (value: string) => value.replace(/\/+$/, '');
const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const createPluginPathMatcher = (strapi: Core.Strapi) => {
  let matcher: RegExp | null = null;
  return (path: string): boolean => {
    if (!matcher) {
      const rest = trimSlashes(String(strapi.config.get('api.rest.prefix', '/api')));
      const graphql = trimSlashes(String(strapi.config.get('plugin::graphql.endpoint', '/graphql')));
      const plurals = getTargets(strapi).map((target) => escape(target.pluralName));
      const restPaths = [
        'reaction-[a-z]+',
        'reactions/[a-z.]+',
        ...(plurals.length > 0 ? [`(?:${plurals.join('|')})(?:/[^/]+(?:/reactions)?)?`] : []),
      ];
      const alternatives = [`${escape(rest)}/(?:${restPaths.join('|')})`];
      if (strapi.plugin('graphql') && graphql) alternatives.push(escape(graphql));
      matcher = new RegExp(`^(?:${alternatives.join('|')})/?$`, 'i');
    }
    return matcher.test(path);
  };
};

/**
 * Lets `amend` change every final response on the plugin's paths (error envelopes and
 * preflights included): registered in register, ahead of the host's middlewares.
 */
export const amendPluginResponses = (strapi: Core.Strapi, amend: (ctx: Context) => void) => {
  const covers = createPluginPathMatcher(strapi);
  strapi.server.use(async (ctx: Context, next: Next) => {
    await next();
    if (covers(ctx.path)) amend(ctx);
  });
};
