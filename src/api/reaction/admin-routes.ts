/**
 * Admin-authenticated routes for the editors' panel and list column (src/admin). Only admin
 * users reach them (admin JWT + isAuthenticatedAdmin); they call the same reactions service as
 * REST and GraphQL. Tallies of a content type are only given to admins who may read that type
 * in the Content Manager.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { getKinds, getTargets } from './settings';
import { parseDocumentIds } from './validation';

export const ADMIN_PREFIX = '/reactions-admin';

const READ_ACTION = 'plugin::content-manager.explorer.read';

type Ability = { can: (action: string, subject: string) => boolean };

const assertMayRead = (ctx: Context, uid: string) => {
  const ability = ctx.state.userAbility as Ability | undefined;
  if (!ability || !ability.can(READ_ACTION, uid)) {
    throw new errors.ForbiddenError('You may not read this content type');
  }
};

export const registerAdminRoutes = (strapi: Core.Strapi) => {
  const adminOnly = { policies: ['admin::isAuthenticatedAdmin'] };

  strapi.server.routes({
    type: 'admin',
    prefix: ADMIN_PREFIX,
    routes: [
      {
        method: 'GET',
        path: '/settings',
        handler: (ctx: Context) => {
          ctx.body = {
            data: {
              kinds: getKinds(strapi),
              targets: getTargets(strapi).map(({ uid, displayName }) => ({ uid, displayName })),
            },
          };
        },
        config: adminOnly,
      },
      {
        method: 'GET',
        path: '/tallies',
        // Tallies for a page of the Content Manager: drafts included (editors see everything).
        handler: async (ctx: Context) => {
          const uid = String(ctx.query.uid ?? '');
          if (!getTargets(strapi).some((target) => target.uid === uid)) {
            throw new errors.ValidationError('uid must be a content type with reactions enabled');
          }
          assertMayRead(ctx, uid);
          const documentIds = parseDocumentIds(ctx.query.documentIds);
          const tallies = await strapi.service('api::reaction.reactions').tallies(uid, documentIds);
          const published = new Set(await strapi.service('api::reaction.reactions').publishedIds(uid, documentIds));
          ctx.body = {
            data: documentIds.map((documentId) => ({ ...tallies.get(documentId), published: published.has(documentId) })),
          };
        },
        config: adminOnly,
      },
    ],
  } as never);
};
