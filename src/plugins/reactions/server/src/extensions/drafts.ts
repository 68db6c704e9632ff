/**
 * Drafts stay private over REST: on every reaction target, the public and signed-in readers only
 * ever get published versions from Strapi's own `find` and `findOne`, whatever `status` they ask
 * for (populated relations and locales follow the root's status), and filters on relations see
 * published related rows only (utils/published-filters.ts). API tokens may still ask for
 * drafts, e.g. for previews. The GraphQL side of the rule is graphql/published-only.ts.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { publishedOnlyFilters, REST_FILTER_SYNTAX } from '../utils/published-filters';
import { getTargets, isApiTokenCaller } from '../utils/settings';

type Controller = Record<string, (ctx: Context, next?: unknown) => unknown>;

const publishedOnly = (strapi: Core.Strapi, uid: string, ctx: Context) => {
  if (isApiTokenCaller(ctx.state)) return;
  const query: Record<string, unknown> = { ...ctx.query, status: 'published' };
  if (ctx.query.filters !== undefined) query.filters = publishedOnlyFilters(strapi, uid, ctx.query.filters, REST_FILTER_SYNTAX);
  ctx.query = query as Context['query'];
};

export const registerPublishedOnlyReads = (strapi: Core.Strapi) => {
  for (const target of getTargets(strapi)) {
    strapi.get('controllers').extend(target.uid, (controller: Controller) => {
      // Wrapped in place: the core controller keeps its prototype (sanitizers, transformResponse).
      const { find, findOne } = controller;
      controller.find = async (ctx: Context) => {
        publishedOnly(strapi, target.uid, ctx);
        return find.call(controller, ctx);
      };
      controller.findOne = async (ctx: Context) => {
        publishedOnly(strapi, target.uid, ctx);
        return findOne.call(controller, ctx);
      };
      return controller;
    });
  }
};
