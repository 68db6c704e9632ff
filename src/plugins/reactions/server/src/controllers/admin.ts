/**
 * The editors' panel and list column (the plugin's admin part) read tallies here. Only admin
 * users reach these routes (admin JWT + isAuthenticatedAdmin), and a content type's tallies only
 * reach admins who may read that type in the Content Manager. Drafts are included: editors see
 * everything, with whether each document is published.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import type { AdminSettings, AdminTally } from '../../../shared/contract';
import { readableDocuments } from '../utils/document-access';
import { getService } from '../utils/services';
import { findTarget, getTargets, kindInfos } from '../utils/settings';
import { parseDocumentIds } from '../utils/validation';

const READ_ACTION = 'plugin::content-manager.explorer.read';

type Ability = { can: (action: string, subject: string) => boolean };

const assertMayRead = (ctx: Context, uid: string) => {
  const ability = ctx.state.userAbility as Ability | undefined;
  if (!ability || !ability.can(READ_ACTION, uid)) throw new errors.ForbiddenError('You may not read this content type');
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async settings(ctx: Context) {
    const data: AdminSettings = {
      kinds: kindInfos(strapi),
      targets: getTargets(strapi).map(({ uid, displayName }) => ({ uid, displayName })),
    };
    ctx.body = { data };
  },

  async tallies(ctx: Context) {
    const uid = String(ctx.query.uid ?? '');
    if (!findTarget(strapi, uid)) throw new errors.ValidationError('uid must be a content type with reactions enabled');
    assertMayRead(ctx, uid);
    const asked = parseDocumentIds(ctx.query.documentIds);
    // Only documents this admin may read, per the Content Manager's conditions.
    const readable = await readableDocuments(strapi, ctx.state.userAbility, uid, asked);
    const documentIds = asked.filter((documentId) => readable.has(documentId));
    const tallies = await getService(strapi, 'rules').tallies(uid, documentIds);
    const published = new Set(await getService(strapi, 'store').publishedIds(uid, documentIds));
    const data: AdminTally[] = documentIds.map((documentId) => ({
      ...(tallies.get(documentId) as AdminTally),
      published: published.has(documentId),
    }));
    ctx.body = { data };
  },
});
