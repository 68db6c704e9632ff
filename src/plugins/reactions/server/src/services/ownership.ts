/**
 * The rules of a reader's own reactions: a reader (signed-in user or anonymous token holder)
 * lists and erases their reactions, an anonymous reader's reactions move to the account on
 * sign-in (claim), and a deleted user leaves none behind. A reader only ever reaches reactions
 * stored under their own reader key; nothing here takes a key from the client.
 * Counters stay exact in the same transaction (store); events follow once it commits.
 */
import type { Core } from '@strapi/strapi';
import type { ClaimResult, ForgetResult, OwnReaction, PagePagination, Tally } from '../../../shared/contract';
import { afterCommit } from '../utils/after-commit';
import { getService } from '../utils/services';
import { getKindKeys, getTargets } from '../utils/settings';
import { pageMeta, type PageRequest } from '../utils/pagination';
import { redactReaderSecrets } from '../utils/redact-errors';
import type { OwnRemoved } from './store';
import type { Reader } from './readers';

export type OwnReactionsList = { data: OwnReaction[]; pagination: PagePagination };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => getService(strapi, 'store');

  /** One `reaction.deleted` event per removed reaction, each with its document's fresh tally. */
  const announceRemoved = async (removed: OwnRemoved[]) => {
    if (removed.length === 0) return;
    afterCommit(strapi, 'the events of removed reactions', async () => {
      // This instance's cached tallies go at once, before the caller answers: a page reading the
      // public tally right after (the reaction bar after a claim) must not get the one from before.
      const cache = getService(strapi, 'tallyCache');
      for (const row of removed) cache.invalidate(row.targetUid, row.documentId);
      const rules = getService(strapi, 'rules');
      const byTarget = new Map<string, string[]>();
      for (const row of removed) byTarget.set(row.targetUid, [...(byTarget.get(row.targetUid) ?? []), row.documentId]);
      const tallies = new Map<string, Tally>();
      for (const [targetUid, ids] of byTarget) {
        for (const [id, tally] of await rules.tallies(targetUid, ids)) tallies.set(`${targetUid}\u0000${id}`, tally);
      }
      for (const row of removed) rules.announceRemoval(row, tallies.get(`${row.targetUid}\u0000${row.documentId}`) as Tally);
    });
  };

  /** A reader's database work; an unexpected error leaves without any reader key. */
  const asReaders = async <T>(keys: string[], work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw redactReaderSecrets(error, keys);
    }
  };

  return {
    /** The reader's reactions on published documents, newest first; no reader, no reactions. */
    async list(reader: Reader | null, { documentIds, page, pageSize }: PageRequest & { documentIds: string[] | null }): Promise<OwnReactionsList> {
      if (!reader || reader.isNew) return { data: [], pagination: pageMeta({ page, pageSize }, 0) };
      const targets = getTargets(strapi);
      const result = await asReaders([reader.key], () =>
        store().ownReactions(reader.key, { targets, kinds: getKindKeys(strapi), documentIds, offset: (page - 1) * pageSize, limit: pageSize })
      );
      const pluralNames = new Map(targets.map((target) => [target.uid as string, target.pluralName]));
      return {
        data: result.rows.map((row) => ({
          target: pluralNames.get(row.targetUid) ?? row.targetUid,
          documentId: row.documentId,
          kind: row.kind,
          updatedAt: row.updatedAt,
        })),
        pagination: pageMeta({ page, pageSize }, result.total),
      };
    },

    /** Erases every reaction of the reader (drafts' and retired kinds' too). */
    async forget(reader: Reader): Promise<ForgetResult> {
      if (reader.isNew) return { removed: 0 };
      const removed = await asReaders([reader.key], () => store().removeReader(reader.key, getTargets(strapi)));
      await announceRemoved(removed);
      return { removed: removed.length };
    },

    /**
     * Moves the anonymous reader's reactions to the signed-in user. Where both reacted to the same
     * document the user's reaction stays and the anonymous one is dropped. Idempotent: a second
     * claim finds nothing left under the token.
     */
    async claim(user: Reader, anonymous: Reader): Promise<ClaimResult> {
      const outcome = await asReaders([user.key, anonymous.key], () =>
        store().claim(anonymous.key, { key: user.key, userId: user.userId }, getTargets(strapi))
      );
      await announceRemoved(outcome.dropped);
      return { moved: outcome.moved, dropped: outcome.dropped.length };
    },

    /** A users-permissions user was deleted: their reactions go too. */
    async forgetUser(userId: number): Promise<number> {
      const key = getService(strapi, 'readers').userReaderKey(userId);
      const removed = await asReaders([key], () => store().removeReader(key, getTargets(strapi)));
      await announceRemoved(removed);
      return removed.length;
    },
  };
};
