/**
 * The arithmetic the edit view panel and the list column share, pure so it can be unit tested
 * (see __tests__/tally-shares.test.ts). The shapes come from the plugin's shared contract, as the
 * admin routes (server/src/controllers/admin.ts) serve them.
 */
import type { AdminTally, KindInfo } from '../../shared/contract';

export type KindShare = KindInfo & { count: number; share: number };

/** Every configured kind in display order, with its count and its whole-percent share of the total. */
export const kindShares = (kinds: KindInfo[], tally: Pick<AdminTally, 'total' | 'counts'>): KindShare[] =>
  kinds.map((info) => {
    const count = tally.counts[info.kind] ?? 0;
    return { ...info, count, share: tally.total > 0 ? Math.round((count / tally.total) * 100) : 0 };
  });

/** The kind with the most reactions; on a tie, the one listed first. Null without reactions. */
export const leadingKind = (kinds: KindInfo[], tally: Pick<AdminTally, 'counts'>): (KindInfo & { count: number }) | null => {
  let best: KindInfo | null = null;
  let bestCount = 0;
  for (const info of kinds) {
    const count = tally.counts[info.kind] ?? 0;
    if (count > bestCount) {
      best = info;
      bestCount = count;
    }
  }
  return best ? { ...best, count: bestCount } : null;
};

/** Whether a content type takes reactions: the server flags its targets' schemas (`pluginOptions.reactions.enabled`). */
export const takesReactions = (schema: { pluginOptions?: object } | null | undefined): boolean =>
  Boolean((schema?.pluginOptions as { reactions?: { enabled?: unknown } } | undefined)?.reactions?.enabled === true);
