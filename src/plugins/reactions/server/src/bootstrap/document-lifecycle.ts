/**
 * Document Service rules that keep tallies exact whatever path a change takes:
 * - Reactions are created and changed by readers only (through the reactions service, which
 *   writes counters in the same transaction). Editors may delete them, e.g. spam, from the
 *   Content Manager: such deletes go through the same service, so tallies follow at once.
 * - Counters are internal and never written through the Document Service.
 * - When a target document is deleted in every version, its reactions and counters go too.
 * - The Content Manager's bulk delete runs one delete per document, all at once, in one
 *   transaction: reaction deletes issued together in a transaction are removed together, in one
 *   removal (one counter update in one lock order, not many interleaved ones). Their events, like
 *   every announcement here, go out once the transaction commits.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ADMIN_ACTIONS, COUNTER_UID, REACTION_UID } from '../../../shared/contract';
import { getService } from '../utils/services';
import { findTarget } from '../utils/settings';

type DocumentContext = {
  uid: string;
  action: string;
  params: { documentId?: string; locale?: string } & Record<string, unknown>;
};

const WRITE_ACTIONS = new Set(['create', 'update', 'clone', 'publish', 'unpublish', 'discardDraft']);

type RemovedRow = { id: number; documentId: string };
type Batch = { documentIds: Set<string>; removal: Promise<RemovedRow[]> };

/**
 * Deleting readers' reactions from the admin panel is moderation: an admin needs the plugin's
 * "Moderate reactions" action besides the Content Manager's delete. Code outside a request
 * (scripts, the plugin's own rules) is not an admin and is not asked.
 */
const assertMayModerate = (strapi: Core.Strapi) => {
  const request = strapi.requestContext.get() as { state?: { auth?: { strategy?: { name?: string } }; userAbility?: { can: (action: string) => boolean } } } | undefined;
  if (request?.state?.auth?.strategy?.name !== 'admin') return;
  if (!request.state.userAbility?.can(ADMIN_ACTIONS.moderate)) throw new errors.ForbiddenError('Moderating reactions needs the "Moderate reactions" permission');
};

export const registerDocumentLifecycle = (strapi: Core.Strapi) => {
  /** Reaction deletes waiting for their transaction's removal, keyed by that transaction. */
  const batches = new WeakMap<object, Batch>();

  /** Removes these reaction documents (one row each: reactions have no drafts or locales) through the rules. */
  const removeReactions = async (documentIds: string[]): Promise<RemovedRow[]> => {
    const rows = (await strapi.db.query(REACTION_UID).findMany({
      select: ['id', 'documentId'],
      where: { documentId: { $in: documentIds } },
    })) as Array<{ id: number | string; documentId: string }>;
    const removed = rows.map((row) => ({ id: Number(row.id), documentId: row.documentId }));
    await getService(strapi, 'rules').removeByIds(removed.map((row) => row.id));
    return removed;
  };

  /** One reaction delete; inside a transaction it joins the others issued with it. */
  const removeReaction = async (documentId: string): Promise<RemovedRow[]> => {
    if (!strapi.db.inTransaction()) return removeReactions([documentId]);
    const trx: object = await strapi.db.transaction(({ trx: current }) => current);
    let batch = batches.get(trx);
    if (!batch) {
      const documentIds = new Set<string>();
      const removal = (async () => {
        // The bulk delete's calls all get here within this turn of the event loop (only promise
        // steps lie before this middleware); the next turn removes them together. A delete
        // arriving later starts a batch of its own.
        await new Promise<void>((resolve) => setImmediate(resolve));
        batches.delete(trx);
        return removeReactions([...documentIds]);
      })();
      batch = { documentIds, removal };
      batches.set(trx, batch);
    }
    batch.documentIds.add(documentId);
    return (await batch.removal).filter((row) => row.documentId === documentId);
  };

  strapi.documents.use(async (context, next) => {
    const ctx = context as unknown as DocumentContext;
    if (ctx.uid === REACTION_UID || ctx.uid === COUNTER_UID) {
      if (WRITE_ACTIONS.has(ctx.action)) {
        throw new errors.ForbiddenError('Reactions are written by readers only; editors may delete them');
      }
      const { documentId } = ctx.params;
      if (ctx.action === 'delete' && ctx.uid === REACTION_UID && documentId) {
        assertMayModerate(strapi);
        const removed = await removeReaction(documentId);
        return { documentId, entries: removed.map(({ id }) => ({ id, documentId })) };
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
    // Publication (and purges) change what public tally reads answer: cached ones are dropped
    // everywhere, once the caller's transaction (e.g. a bulk delete) commits.
    const changedId = ctx.params.documentId ?? (result as { documentId?: unknown } | null)?.documentId;
    if ((WRITE_ACTIONS.has(ctx.action) || ctx.action === 'delete') && typeof changedId === 'string' && findTarget(strapi, ctx.uid)) {
      await getService(strapi, 'changes').announce(ctx.uid, changedId);
    }
    return result;
  });
};
