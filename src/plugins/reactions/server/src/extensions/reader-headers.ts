/**
 * What the plugin's HTTP answers need from any host, without the host configuring anything:
 *
 * - CORS. Browsers on other origins send the anonymous reader's token in `X-Reactor-Token` and
 *   read it back, with `Retry-After` of the write limit. Strapi's default CORS allows neither, so
 *   on the plugin's paths (its routes, the targets' find/findOne, GraphQL) the header is added to
 *   what a preflight allows and both to what a response exposes. Only where the host's own CORS
 *   already allowed the origin: who may call stays the host's decision.
 * - Caching. A response on those paths that carries an identity (JWT, token header or cookie),
 *   sets a cookie or answers a write is `Cache-Control: private, no-store`; every response there
 *   varies on the identity headers, so no shared cache hands one reader's answer to another.
 *
 * Paths match case-insensitively, as Strapi's router does. Registered in register, ahead of the
 * host's middlewares, so it sees the final response (error envelopes and preflights included).
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { IDENTITY_HEADERS, TOKEN_COOKIE, TOKEN_HEADER } from '../../../shared/contract';
import { amendPluginResponses } from '../utils/plugin-paths';

export const PRIVATE_CACHE_CONTROL = 'private, no-store';
const EXPOSED = [TOKEN_HEADER, 'Retry-After'];
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Adds names to a comma-separated header unless present (any case). */
const mergeList = (ctx: Context, header: string, names: string[]) => {
  const current = String(ctx.response.get(header) ?? '');
  const present = new Set(current.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
  const missing = names.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length > 0) ctx.set(header, [current, ...missing].filter(Boolean).join(', '));
};

const isIdentified = (ctx: Context) =>
  Boolean(ctx.get('authorization') || ctx.get(TOKEN_HEADER) || ctx.cookies.get(TOKEN_COOKIE, { signed: false }));

export const registerReaderHeaders = (strapi: Core.Strapi) => {
  amendPluginResponses(strapi, (ctx) => {
    if (ctx.response.get('Access-Control-Allow-Origin')) {
      const preflight = ctx.method === 'OPTIONS' && Boolean(ctx.get('Access-Control-Request-Method'));
      if (preflight) {
        if (ctx.response.get('Access-Control-Allow-Headers')) mergeList(ctx, 'Access-Control-Allow-Headers', [TOKEN_HEADER]);
      } else {
        mergeList(ctx, 'Access-Control-Expose-Headers', EXPOSED);
      }
    }

    for (const header of IDENTITY_HEADERS) ctx.vary(header);
    const cookies = ctx.response.get('Set-Cookie') as string | string[] | undefined;
    const setsCookie = Array.isArray(cookies) ? cookies.length > 0 : Boolean(cookies);
    if (setsCookie || !READ_METHODS.has(ctx.method) || isIdentified(ctx)) ctx.set('Cache-Control', PRIVATE_CACHE_CONTROL);
  });
};
