/**
 * Public tallies (counts only, never anyone's `mine`) kept in this instance's memory, so a hot
 * tally is answered without the database.
 *
 * - Bounded: at most `tallyCacheSize` entries; the least recently used go first (a Map keeps
 *   insertion order, and a hit re-inserts its entry).
 * - Exact enough for a CDN: every write announces its document through the changes service,
 *   which drops the entry here on every instance (PostgreSQL LISTEN/NOTIFY; in-process on
 *   SQLite). An entry also expires `tallyMaxAge` seconds after it was read from the database, so
 *   a lost notification can never make a tally staler than the max-age the API announces, and
 *   responses built from an entry announce only what is left of it (`remainingMaxAge`).
 * - A read that started before an invalidation is not stored (the epoch check): it may have
 *   read the counters before the write committed.
 * - Entries remember whether the document is published, so a warm read needs no query at all;
 *   publication changes go through the same announcement (document-lifecycle.ts).
 */
import type { Core } from '@strapi/strapi';
import type { Tally } from '../../../shared/contract';
import { getService } from '../utils/services';
import { getSettings, getTargets } from '../utils/settings';

type Entry = { counts: Omit<Tally, 'mine'>; published: boolean; storedAt: number };

/** A cached (or freshly read) public tally; `mine` is always null. */
export type PublicRead = { targetUid: string; tally: Tally; storedAt: number };

const keyOf = (targetUid: string, documentId: string) => `${targetUid}\u0000${documentId}`;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const entries = new Map<string, Entry>();
  // Bumped by every invalidation: a read that began before it must not be stored.
  let epoch = 0;
  const now = () => Date.now();
  const maxAgeMs = () => getSettings(strapi).tallyMaxAge * 1000;

  const lookup = (targetUid: string, documentId: string): Entry | undefined => {
    const key = keyOf(targetUid, documentId);
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (now() - entry.storedAt >= maxAgeMs()) {
      entries.delete(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  };

  const store = (targetUid: string, documentId: string, entry: Entry, startedAt: number) => {
    const size = getSettings(strapi).tallyCacheSize;
    if (size <= 0 || maxAgeMs() <= 0 || startedAt !== epoch) return;
    const key = keyOf(targetUid, documentId);
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > size) entries.delete(entries.keys().next().value as string);
  };

  const copy = (entry: Entry): Tally => ({ ...entry.counts, counts: { ...entry.counts.counts }, kinds: [...entry.counts.kinds], mine: null });

  // What is cached of a tally: everything public (editorial settings included), never `mine`.
  const publicPart = (documentId: string, tally: Tally | undefined): Entry['counts'] => ({
    documentId,
    total: tally?.total ?? 0,
    counts: tally?.counts ?? {},
    closed: tally?.closed ?? false,
    kinds: tally?.kinds ?? [],
  });

  /** Reads these documents of one target from the database and caches them; published ones are returned. */
  const load = async (targetUid: string, documentIds: string[]): Promise<Map<string, Entry>> => {
    const startedAt = epoch;
    const storedAt = now();
    const published = new Set(await getService(strapi, 'store').publishedIds(targetUid, documentIds));
    const tallies = await getService(strapi, 'rules').tallies(
      targetUid,
      documentIds.filter((id) => published.has(id))
    );
    const loaded = new Map<string, Entry>();
    for (const documentId of documentIds) {
      const tally = tallies.get(documentId);
      const entry: Entry = {
        counts: publicPart(documentId, tally),
        published: published.has(documentId),
        storedAt,
      };
      store(targetUid, documentId, entry, startedAt);
      loaded.set(documentId, entry);
    }
    return loaded;
  };

  const cache = {
    /** One document's public tally, or null when it is not a published document of the target. */
    async tally(targetUid: string, documentId: string): Promise<PublicRead | null> {
      const entry = lookup(targetUid, documentId) ?? (await load(targetUid, [documentId])).get(documentId);
      return entry?.published ? { targetUid, tally: copy(entry), storedAt: entry.storedAt } : null;
    },

    /** Public tallies of published documents across every target, in the order asked; others are left out. */
    async tallies(documentIds: string[]): Promise<PublicRead[]> {
      const unique = [...new Set(documentIds)];
      const found = new Map<string, PublicRead>();
      for (const target of getTargets(strapi)) {
        const misses: string[] = [];
        for (const documentId of unique) {
          if (found.has(documentId)) continue;
          const entry = lookup(target.uid, documentId);
          if (!entry) misses.push(documentId);
          else if (entry.published) found.set(documentId, { targetUid: target.uid, tally: copy(entry), storedAt: entry.storedAt });
        }
        if (misses.length === 0) continue;
        for (const [documentId, entry] of await load(target.uid, misses)) {
          if (entry.published) found.set(documentId, { targetUid: target.uid, tally: copy(entry), storedAt: entry.storedAt });
        }
      }
      return unique.filter((id) => found.has(id)).map((id) => found.get(id) as PublicRead);
    },

    /**
     * Public tallies of documents a Strapi response already showed as published (embedded
     * tallies): no publication check, and the oldest entry's time for the response's max-age.
     */
    async embedded(targetUid: string, documentIds: string[]): Promise<{ tallies: Map<string, Tally>; oldest: number }> {
      const tallies = new Map<string, Tally>();
      let oldest = now();
      const misses: string[] = [];
      for (const documentId of new Set(documentIds)) {
        const entry = lookup(targetUid, documentId);
        if (entry?.published) {
          tallies.set(documentId, copy(entry));
          oldest = Math.min(oldest, entry.storedAt);
        } else misses.push(documentId);
      }
      if (misses.length > 0) {
        const startedAt = epoch;
        const storedAt = now();
        for (const [documentId, tally] of await getService(strapi, 'rules').tallies(targetUid, misses)) {
          // The response showed it published; a later unpublish announces and drops the entry.
          store(targetUid, documentId, { counts: publicPart(documentId, tally), published: true, storedAt }, startedAt);
          tallies.set(documentId, { ...tally, mine: null });
        }
      }
      return { tallies, oldest };
    },

    /** The max-age a response built from data read at `storedAt` may still announce. */
    remainingMaxAge(storedAt: number): number {
      const maxAge = getSettings(strapi).tallyMaxAge;
      // Whole seconds, rounded against the cache; a read of the last quarter second counts as fresh.
      return Math.max(0, Math.min(maxAge, maxAge - Math.ceil((now() - storedAt - 250) / 1000)));
    },

    /** A write (or publication change) on this document: drop its entry. */
    invalidate(targetUid: string, documentId: string): void {
      epoch += 1;
      entries.delete(keyOf(targetUid, documentId));
    },

    /** Forget everything (the change feed reconnected: notifications may have been lost). */
    clear(): void {
      epoch += 1;
      entries.clear();
    },

    size(): number {
      return entries.size;
    },

    /** Whether a fresh entry for this document is held (tests and diagnostics; it does not count as a use). */
    has(targetUid: string, documentId: string): boolean {
      const entry = entries.get(keyOf(targetUid, documentId));
      return Boolean(entry) && now() - (entry as Entry).storedAt < maxAgeMs();
    },
  };

  return cache;
};
