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
import { COUNTER_UID, REACTION_UID } from '../../shared/contract';
import { getService } from './utils/services';
import { findTarget } from './utils/settings';

type DocumentContext = {
  uid: string;
  action: string;
  params: { documentId?: string; locale?: string } & Record<string, unknown>;
};

const WRITE_ACTIONS = new Set(['create', 'update', 'clone', 'publish', 'unpublish', 'discardDraft']);

export const registerDocumentLifecycle = (strapi: Core.Strapi) => {
  strapi.documents.use(async (context, next) => {
    const ctx = context as unknown as DocumentContext;
    if (ctx.uid === REACTION_UID || ctx.uid === COUNTER_UID) {
      if (WRITE_ACTIONS.has(ctx.action)) {
        throw new errors.ForbiddenError('Reactions are written by readers only; editors may delete them');
      }
      const { documentId } = ctx.params;
      if (ctx.action === 'delete' && ctx.uid === REACTION_UID && documentId) {
        const ids = await getService(strapi, 'store').idsByDocumentIds([documentId]);
        await getService(strapi, 'rules').removeByIds(ids);
        return { documentId, entries: ids.map((id) => ({ id, documentId })) };
      }
      if (ctx.uid === COUNTER_UID && ctx.action === 'delete') {
        throw new errors.ForbiddenError('Reaction counters are internal');
      }
      return next();
    }

    const result = await next();
    if (ctx.action === 'delete' && ctx.params.documentId) {
      await getService(strapi, 'rules').forgetDeletedDocument(ctx.uid, ctx.params.documentId);
    }
    // Publication (and purges) change what public tally reads answer: cached ones are dropped everywhere.
    const changedId = ctx.params.documentId ?? (result as { documentId?: unknown } | null)?.documentId;
    if ((WRITE_ACTIONS.has(ctx.action) || ctx.action === 'delete') && typeof changedId === 'string' && findTarget(strapi, ctx.uid)) {
      await getService(strapi, 'changes').announce(ctx.uid, changedId);
    }
    return result;
  });
};
