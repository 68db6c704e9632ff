/**
 * Editorial control from the admin panel: `PUT /reactions/settings/:uid/:documentId` with
 * `{ "data": { "closed", "kinds" } }`. Needs the plugin's "Change reaction settings" action (route
 * policy) and update rights on every locale and version of the document in the Content Manager,
 * so an Author's "own entries only" condition is honoured for translations too.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { mayUpdateWholeDocument } from '../utils/document-access';
import { keepErrorReason } from '../utils/errors';
import { getService } from '../utils/services';
import { findTarget } from '../utils/settings';
import { isDocumentId } from '../utils/validation';

const UPDATE_ACTION = 'plugin::content-manager.explorer.update';


export default ({ strapi }: { strapi: Core.Strapi }) => ({
  update: keepErrorReason(async (ctx: Context) => {
    const uid = String(ctx.params.uid ?? '');
    const target = findTarget(strapi, uid);
    if (!target) throw new errors.ValidationError('uid must be a content type with reactions enabled');
    const ability = ctx.state.userAbility as { can: (action: string, subject: string) => boolean } | undefined;
    if (!ability || !ability.can(UPDATE_ACTION, uid)) throw new errors.ForbiddenError('You may not update this content type');
    const documentId = String(ctx.params.documentId ?? '');
    if (!isDocumentId(documentId)) throw new errors.NotFoundError('No document with this documentId');
    // Conditions (e.g. Authors may only update what they created) hold for every locale and version.
    const access = await mayUpdateWholeDocument(strapi, ctx.state.userAbility, uid, documentId);
    if (access === 'missing') throw new errors.NotFoundError('No document with this documentId');
    if (access === 'forbidden') throw new errors.ForbiddenError('You may not update every locale of this document');
    const data = await getService(strapi, 'settings').update(target, documentId, ctx.request.body);
    ctx.body = { data: { documentId, ...data } };
  }),
});
