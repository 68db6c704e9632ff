/**
 * No plugin route is shadowed by a host type's own routes. Strapi registers the project's APIs
 * before plugins, so a host type named `reaction` answers `GET /api/reactions/:id` for the
 * plugin's `GET /api/reactions/mine` too. The plugin's fixed paths (no parameters) are the more
 * specific routes: a host route registered before one of them that would match its path and
 * method steps aside for exactly those requests, and answers everything else as before.
 * Runs in bootstrap, after Strapi registered the routes and before the server mounts them.
 */
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { PLUGIN_ID } from '../../../shared/contract';

type Middleware = (ctx: Context, next: Next) => unknown;
type Layer = { path: string; methods: string[]; stack: Middleware[]; match: (path: string) => boolean };
type Route = { method: string; path: string };

const fixedPaths = (strapi: Core.Strapi): Route[] => {
  const routes = strapi.plugin(PLUGIN_ID).routes as unknown as Record<string, { type?: string; routes?: Route[] }>;
  return Object.values(routes)
    .filter((router) => router.type === 'content-api')
    .flatMap((router) => router.routes ?? [])
    .filter((route) => !route.path.includes(':'));
};

export const keepPluginRoutesFirst = (strapi: Core.Strapi) => {
  const prefix = String(strapi.config.get('api.rest.prefix', '/api')).replace(/\/+$/, '');
  const layers = strapi.server.api('content-api').listRoutes() as unknown as Layer[];
  const ours = fixedPaths(strapi)
    .map((route) => layers.find((layer) => layer.path === `${prefix}${route.path}` && layer.methods.includes(route.method)))
    .filter((layer): layer is Layer => Boolean(layer));

  layers.forEach((layer, position) => {
    if (ours.includes(layer)) return;
    const shadowed = ours.filter(
      (own) => layers.indexOf(own) > position && own.methods.some((method) => layer.methods.includes(method)) && layer.match(own.path)
    );
    if (shadowed.length === 0) return;
    const yields = (ctx: Context) => shadowed.some((own) => own.methods.includes(ctx.method) && own.match(ctx.path));
    layer.stack = layer.stack.map((handler) => (ctx: Context, next: Next) => (yields(ctx) ? next() : handler(ctx, next)));
  });
};
