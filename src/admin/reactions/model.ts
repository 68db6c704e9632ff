/**
 * What the admin panel knows about reactions: the shapes served by the admin routes
 * (src/api/reaction/admin-routes.ts) and the arithmetic the panel and the list column share.
 */
export const REACTION_UID = 'api::reaction.reaction';
export const ADMIN_PREFIX = '/reactions-admin';

export type KindInfo = { kind: string; label: string; emoji: string };
export type TargetInfo = { uid: string; displayName: string };
export type ReactionSettings = { kinds: KindInfo[]; targets: TargetInfo[] };

/** A tally as the admin route gives it: drafts included, with whether the document is published. */
export type AdminTally = {
  documentId: string;
  total: number;
  counts: Record<string, number>;
  published: boolean;
};

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

export const isReactionTarget = (settings: ReactionSettings | null, uid: string | undefined): boolean =>
  Boolean(settings && uid && settings.targets.some((target) => target.uid === uid));
