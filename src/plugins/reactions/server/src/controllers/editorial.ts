/**
 * Editorial control from the admin panel: `PUT /reactions/settings/:uid/:documentId` with
 * `{ "data": { "closed", "kinds" } }`. Only admins who may update that content type in the
 * Content Manager may change it (for the document itself, so an Author's "own entries only"
 * condition is honoured).
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { getService } from '../utils/services';
import { findTarget } from '../utils/settings';
import { isDocumentId } from '../utils/validation';

const UPDATE_ACTION = 'plugin::content-manager.explorer.update';

type PermissionChecker = { cannot: { update: (entity?: unknown) => boolean } };
type CheckerFactory = { create: (options: { userAbility: unknown; model: string }) => PermissionChecker };

/** Strapi's authorize step turns a ForbiddenError thrown below it into a bare "Forbidden": keep the reason. */
const forbidden = (ctx: Context, message: string) => {
  ctx.status = 403;
  ctx.body = { data: null, error: { status: 403, name: 'ForbiddenError', message, details: {} } };
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async update(ctx: Context) {
    const uid = String(ctx.params.uid ?? '');
    const target = findTarget(strapi, uid);
    if (!target) throw new errors.ValidationError('uid must be a content type with reactions enabled');
    const ability = ctx.state.userAbility as { can: (action: string, subject: string) => boolean } | undefined;
    if (!ability || !ability.can(UPDATE_ACTION, uid)) return forbidden(ctx, 'You may not update this content type');
    const documentId = String(ctx.params.documentId ?? '');
    if (!isDocumentId(documentId)) throw new errors.NotFoundError('No document with this documentId');
    // Conditions (e.g. Authors may only update what they created) are checked on the document itself.
    const document = await strapi.db.query(uid).findOne({ where: { documentId }, populate: ['createdBy'] });
    if (!document) throw new errors.NotFoundError('No document with this documentId');
    const checker = (strapi.plugin('content-manager').service('permission-checker') as CheckerFactory).create({
      userAbility: ctx.state.userAbility,
      model: uid,
    });
    if (checker.cannot.update(document)) return forbidden(ctx, 'You may not update this document');
    const data = await getService(strapi, 'settings').update(target, documentId, ctx.request.body);
    ctx.body = { data: { documentId, ...data } };
  },
});
