/**
 * The contract's reaction routes. Per-target routes are generated from `config/reactions.ts`,
 * so enabling reactions on another collection type needs no new route file.
 * Auth is left on: the public and authenticated roles are granted these actions in bootstrap,
 * which lets anyone call them while a valid JWT still identifies the reader.
 */
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { getTargets } from '../settings';

const forTarget = (uid: string) => async (ctx: Context, next: Next) => {
  ctx.state.reactionTarget = uid;
  await next();
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  type: 'content-api',
  routes: [
    ...getTargets(strapi).flatMap((target) =>
      (
        [
          ['GET', 'reaction.tally'],
          ['PUT', 'reaction.set'],
          ['DELETE', 'reaction.clear'],
        ] as const
      ).map(([method, handler]) => ({
        method,
        path: `/${target.pluralName}/:documentId/reactions`,
        handler,
        config: { middlewares: [forTarget(target.uid)] },
      }))
    ),
    { method: 'GET', path: '/reaction-tallies', handler: 'reaction.tallies', config: {} },
    { method: 'GET', path: '/reaction-kinds', handler: 'reaction.kinds', config: {} },
  ],
});
