/**
 * Keeps personal answers out of shared caches (CDNs, corporate proxies).
 *
 * REST and GraphQL responses may carry the caller's own reaction (`mine`) or depend on who calls,
 * so every response under the REST prefix (`/api`) and the GraphQL endpoint:
 * - varies on `Authorization`, `Cookie` and `X-Reactor-Token` (merged with any Vary, e.g. Origin);
 * - is `Cache-Control: private, no-store` unless its handler chose a Cache-Control deliberately
 *   (e.g. `public` for a tally read without identity).
 * Any response that sets a cookie or answers a write (any method but GET, HEAD, OPTIONS) is
 * `private, no-store` whatever a handler said, on every path. Other reads (the admin panel's
 * assets, public files) are left as they are.
 *
 * Registered before `strapi::errors`, so it sees the final response, error envelopes included.
 */
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { IDENTITY_HEADERS } from '../plugins/reactions/shared/contract';

export const PRIVATE_CACHE_CONTROL = 'private, no-store';
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Case-insensitive, as Strapi's router matches paths.
const under = (path: string, prefix: string) => {
  const lower = path.toLowerCase();
  const base = prefix.toLowerCase();
  return base !== '' && (lower === base || lower.startsWith(`${base}/`));
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  let prefixes: string[] | null = null;
  // Read on first use: the GraphQL plugin's configuration is complete by then.
  const personalPrefixes = (): string[] => {
    if (!prefixes) {
      const rest = String(strapi.config.get('api.rest.prefix', '/api')).replace(/\/+$/, '');
      const graphql = String(strapi.config.get('plugin::graphql.endpoint', '/graphql')).replace(/\/+$/, '');
      prefixes = [rest, graphql].filter(Boolean);
    }
    return prefixes;
  };

  return async (ctx: Context, next: Next) => {
    await next();

    const cookies = ctx.response.get('Set-Cookie') as string | string[] | undefined;
    const setsCookie = Array.isArray(cookies) ? cookies.length > 0 : Boolean(cookies);
    const write = !READ_METHODS.has(ctx.method);
    const personal = personalPrefixes().some((prefix) => under(ctx.path, prefix));
    if (!personal && !setsCookie && !write) return;

    for (const header of IDENTITY_HEADERS) ctx.vary(header);
    if (setsCookie || write || !ctx.response.get('Cache-Control')) {
      ctx.set('Cache-Control', PRIVATE_CACHE_CONTROL);
    }
  };
};
