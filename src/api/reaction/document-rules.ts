/**
 * Document Service rules that keep tallies exact whatever path a change takes:
 * - Reactions are created and changed by readers only (through the reactions service, which
 *   writes counters in the same transaction). Editors may delete them, e.g. spam, from the
 *   Content Manager: such deletes go through the same service, so tallies follow at once.
 * - Counters are internal and never written through the Document Service.
 * - When a target document is deleted in every version, its reactions and counters go too.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { COUNTER_UID, REACTION_UID, getTargets } from './settings';

type DocumentContext = {
  uid: string;
  action: string;
  params: { documentId?: string; locale?: string } & Record<string, unknown>;
};

const WRITE_ACTIONS = new Set(['create', 'update', 'clone', 'publish', 'unpublish', 'discardDraft']);

export const registerDocumentRules = (strapi: Core.Strapi) => {
  strapi.documents.use(async (context, next) => {
    const ctx = context as unknown as DocumentContext;
    if (ctx.uid === REACTION_UID || ctx.uid === COUNTER_UID) {
      if (WRITE_ACTIONS.has(ctx.action)) {
        throw new errors.ForbiddenError('Reactions are written by readers only; editors may delete them');
      }
      if (ctx.action === 'delete' && ctx.uid === REACTION_UID && ctx.params.documentId) {
        const rows = await strapi.db
          .query(REACTION_UID)
          .findMany({ where: { documentId: ctx.params.documentId }, select: ['id', 'documentId', 'kind'] });
        await strapi.service('api::reaction.reactions').removeByIds(rows.map((row: { id: number }) => row.id));
        return { documentId: ctx.params.documentId, entries: rows };
      }
      if (ctx.uid === COUNTER_UID && ctx.action === 'delete') {
        throw new errors.ForbiddenError('Reaction counters are internal');
      }
      return next();
    }

    const result = await next();
    if (ctx.action === 'delete' && ctx.params.documentId && getTargets(strapi).some((t) => t.uid === ctx.uid)) {
      const remaining = await strapi.db.query(ctx.uid as never).count({ where: { documentId: ctx.params.documentId } });
      if (remaining === 0) await strapi.service('api::reaction.reactions').purgeDocument(ctx.uid, ctx.params.documentId);
    }
    return result;
  });
};
