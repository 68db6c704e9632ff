/**
 * The arithmetic behind the edit view panel (shares) and the list column (leading kind), without
 * a browser: plain functions over the kinds and a tally as the admin routes give them.
 */
import type { KindInfo } from '../../../shared/contract';
import { kindShares, leadingKind, takesReactions } from '../tally-shares';

const KINDS: KindInfo[] = [
  { kind: 'like', label: 'Like', emoji: '👍' },
  { kind: 'love', label: 'Love', emoji: '❤️' },
  { kind: 'funny', label: 'Funny', emoji: '😂' },
  { kind: 'wow', label: 'Wow', emoji: '😮' },
];

const tally = (counts: Record<string, number>) => ({
  total: Object.values(counts).reduce((sum, count) => sum + count, 0),
  counts,
});

describe('kindShares', () => {
  it('lists every configured kind in order, with its count and whole-percent share', () => {
    expect(kindShares(KINDS, tally({ like: 3, love: 2, wow: 1 }))).toEqual([
      { kind: 'like', label: 'Like', emoji: '👍', count: 3, share: 50 },
      { kind: 'love', label: 'Love', emoji: '❤️', count: 2, share: 33 },
      { kind: 'funny', label: 'Funny', emoji: '😂', count: 0, share: 0 },
      { kind: 'wow', label: 'Wow', emoji: '😮', count: 1, share: 17 },
    ]);
  });

  it('rounds each share to the nearest whole percent, halves up', () => {
    // 1/8 = 12.5 -> 13, 3/8 = 37.5 -> 38, 4/8 = 50.
    expect(kindShares(KINDS, tally({ like: 1, love: 3, funny: 4 })).map((s) => s.share)).toEqual([13, 38, 50, 0]);
    // Thirds: 33.3 -> 33, 66.7 -> 67.
    expect(kindShares(KINDS, tally({ like: 1, love: 2 })).map((s) => s.share)).toEqual([33, 67, 0, 0]);
    // A single kind holds the whole tally.
    expect(kindShares(KINDS, tally({ wow: 7 })).map((s) => s.share)).toEqual([0, 0, 0, 100]);
  });

  it('gives zero shares (not NaN) when there are no reactions', () => {
    const shares = kindShares(KINDS, { total: 0, counts: {} });
    expect(shares.map((s) => [s.kind, s.count, s.share])).toEqual([
      ['like', 0, 0],
      ['love', 0, 0],
      ['funny', 0, 0],
      ['wow', 0, 0],
    ]);
  });

  it('ignores counts of kinds that are no longer configured', () => {
    const shares = kindShares(KINDS, { total: 4, counts: { like: 2, retired: 2 } });
    expect(shares.map((s) => s.kind)).toEqual(['like', 'love', 'funny', 'wow']);
    expect(shares[0]).toMatchObject({ count: 2, share: 50 });
  });
});

describe('leadingKind', () => {
  it('is the kind with the most reactions, with its count', () => {
    expect(leadingKind(KINDS, tally({ like: 3, love: 2, wow: 1 }))).toEqual({ kind: 'like', label: 'Like', emoji: '👍', count: 3 });
    expect(leadingKind(KINDS, tally({ funny: 2, wow: 1 }))).toEqual({ kind: 'funny', label: 'Funny', emoji: '😂', count: 2 });
  });

  it('on a tie, is the kind listed first', () => {
    expect(leadingKind(KINDS, tally({ wow: 2, love: 2 }))?.kind).toBe('love');
    expect(leadingKind(KINDS, tally({ like: 1, love: 1, funny: 1, wow: 1 }))?.kind).toBe('like');
    // The order of the kinds decides, not the order of the counts.
    const reordered = [KINDS[3], KINDS[2], KINDS[1], KINDS[0]];
    expect(leadingKind(reordered, tally({ like: 2, wow: 2 }))?.kind).toBe('wow');
  });

  it('is null without reactions', () => {
    expect(leadingKind(KINDS, { counts: {} })).toBeNull();
    expect(leadingKind(KINDS, { counts: { like: 0, love: 0 } })).toBeNull();
    expect(leadingKind([], { counts: { like: 3 } })).toBeNull();
  });

  it('never leads with a kind that is no longer configured', () => {
    expect(leadingKind(KINDS, { counts: { retired: 5, love: 1 } })).toEqual({ kind: 'love', label: 'Love', emoji: '❤️', count: 1 });
  });
});

describe('takesReactions', () => {
  it('is true for a schema the server flagged as a target only', () => {
    expect(takesReactions({ pluginOptions: { reactions: { enabled: true }, i18n: { localized: true } } })).toBe(true);
    expect(takesReactions({ pluginOptions: { i18n: { localized: true } } })).toBe(false);
    expect(takesReactions({ pluginOptions: { reactions: { enabled: 'yes' } } })).toBe(false);
    expect(takesReactions({})).toBe(false);
  });

  it('is false while the schema has not loaded', () => {
    expect(takesReactions(undefined)).toBe(false);
    expect(takesReactions(null)).toBe(false);
  });
});
