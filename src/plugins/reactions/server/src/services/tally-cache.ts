/**
 * Public tallies (counts only, never anyone's `mine`) kept in this instance's memory, so a hot
 * tally is answered without the database.
 *
 * - Bounded: at most `tallyCacheSize` tallies of published documents; the least recently used go
 *   first (a Map keeps insertion order, and a hit re-inserts its entry).
 * - Ids that are not a published document of the target (unknown, draft-only, another target's)
 *   are remembered apart, in a small LRU of their own (a tenth of the size, at most
 *   `ABSENT_MAX`): anyone can ask for thousands of made-up ids, and they must never push hot
 *   tallies out.
 * - Exact enough for a CDN: every write announces its document through the changes service,
 *   which drops the entry here on every instance (PostgreSQL LISTEN/NOTIFY; in-process on
 *   SQLite). An entry also expires `tallyMaxAge` seconds after it was read from the database, so
 *   a lost notification can never make a tally staler than the max-age the API announces, and
 *   responses built from an entry announce only what is left of it (`remainingMaxAge`).
 * - Per document: a read that was in flight when its document was invalidated is not stored (it
 *   may have read the counters before the write committed); reads of other documents are, so a
 *   busy site keeps caching. Only documents with reads in flight are tracked, so this costs
 *   nothing at rest. `clear` (lost notifications) discards every read in flight.
 * - Publication changes go through the same announcement (bootstrap/document-lifecycle.ts).
 */
import type { Core } from '@strapi/strapi';
import type { Tally } from '../../../shared/contract';
import { getService } from '../utils/services';
import { getSettings, getTargets } from '../utils/settings';

/** A published document's public tally. */
type Entry = { counts: Omit<Tally, 'mine'>; storedAt: number };

/** A public tally read from the cache or the database; `mine` is always null. */
export type PublicRead = { targetUid: string; tally: Tally; storedAt: number };

/** At most this many ids known not to be published documents are remembered. */
export const ABSENT_MAX = 1000;

/** Reads of one document in flight, and how many invalidations of it came since the first began. */
type InFlight = { reads: number; generation: number };
/** What a read saw when it began: a later invalidation of one of its documents (or a clear) makes its result unstorable for that document. */
type Ticket = { epoch: number; generations: Map<string, number> };

const keyOf = (targetUid: string, documentId: string) => `${targetUid}\u0000${documentId}`;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const entries = new Map<string, Entry>();
  // Ids that are not a published document of the target: key → when that was read.
  const absent = new Map<string, number>();
  const inFlight = new Map<string, InFlight>();
  // Bumped only by `clear`: every read in flight then becomes unstorable.
  let epoch = 0;
  const now = () => Date.now();
  const maxAgeMs = () => getSettings(strapi).tallyMaxAge * 1000;
  const isFresh = (storedAt: number) => now() - storedAt < maxAgeMs();

  /** Re-inserts a hit (least recently used order) or drops an expired entry; true when fresh. */
  const touch = <Value>(map: Map<string, Value>, key: string, storedAt: number): boolean => {
    const value = map.get(key) as Value;
    map.delete(key);
    if (!isFresh(storedAt)) return false;
    map.set(key, value);
    return true;
  };

  /** A published document's entry, `null` when it is known not to be one, `undefined` on a miss. */
  const lookup = (targetUid: string, documentId: string): Entry | null | undefined => {
    const key = keyOf(targetUid, documentId);
    const entry = entries.get(key);
    if (entry) return touch(entries, key, entry.storedAt) ? entry : undefined;
    const absentAt = absent.get(key);
    if (absentAt !== undefined) return touch(absent, key, absentAt) ? null : undefined;
    return undefined;
  };

  const begin = (keys: string[]): Ticket => {
    const ticket: Ticket = { epoch, generations: new Map() };
    for (const key of new Set(keys)) {
      const flight = inFlight.get(key) ?? { reads: 0, generation: 0 };
      flight.reads += 1;
      inFlight.set(key, flight);
      ticket.generations.set(key, flight.generation);
    }
    return ticket;
  };

  const end = (ticket: Ticket) => {
    for (const key of ticket.generations.keys()) {
      const flight = inFlight.get(key) as InFlight;
      flight.reads -= 1;
      if (flight.reads === 0) inFlight.delete(key);
    }
  };

  /** Whether what this read found for `key` is still current (no invalidation since it began). */
  const isCurrent = (ticket: Ticket, key: string) =>
    ticket.epoch === epoch && inFlight.get(key)?.generation === ticket.generations.get(key);

  /** Keeps at most `size` entries, dropping the least recently used. */
  const bound = (map: Map<string, unknown>, size: number) => {
    while (map.size > size) map.delete(map.keys().next().value as string);
  };

  /** Stores what a read found: the tally of a published document, or `null` for any other id. */
  const store = (ticket: Ticket, targetUid: string, documentId: string, entry: Entry | null) => {
    const size = getSettings(strapi).tallyCacheSize;
    const key = keyOf(targetUid, documentId);
    if (size <= 0 || maxAgeMs() <= 0 || !isCurrent(ticket, key)) return;
    if (entry) {
      absent.delete(key);
      entries.delete(key);
      entries.set(key, entry);
      bound(entries, size);
    } else {
      entries.delete(key);
      absent.delete(key);
      absent.set(key, now());
      bound(absent, Math.min(ABSENT_MAX, Math.ceil(size / 10)));
    }
  };

  /** Runs a database read of these documents with a ticket, released however the read ends. */
  const reading = async <Result>(targetUid: string, documentIds: string[], read: (ticket: Ticket) => Promise<Result>): Promise<Result> => {
    const ticket = begin(documentIds.map((documentId) => keyOf(targetUid, documentId)));
    try {
      return await read(ticket);
    } finally {
      end(ticket);
    }
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

  /** Reads these documents of one target from the database and caches what it found; published ones are returned. */
  const load = (targetUid: string, documentIds: string[]): Promise<Map<string, Entry>> =>
    reading(targetUid, documentIds, async (ticket) => {
      const storedAt = now();
      const published = new Set(await getService(strapi, 'store').publishedIds(targetUid, documentIds));
      const tallies = await getService(strapi, 'rules').tallies(
        targetUid,
        documentIds.filter((id) => published.has(id))
      );
      const loaded = new Map<string, Entry>();
      for (const documentId of documentIds) {
        const entry = published.has(documentId) ? { counts: publicPart(documentId, tallies.get(documentId)), storedAt } : null;
        store(ticket, targetUid, documentId, entry);
        if (entry) loaded.set(documentId, entry);
      }
      return loaded;
    });

  const readOf = (targetUid: string, entry: Entry): PublicRead => ({ targetUid, tally: copy(entry), storedAt: entry.storedAt });

  const cache = {
    /** One document's public tally, or null when it is not a published document of the target. */
    async tally(targetUid: string, documentId: string): Promise<PublicRead | null> {
      const cached = lookup(targetUid, documentId);
      const entry = cached === undefined ? (await load(targetUid, [documentId])).get(documentId) : cached;
      return entry ? readOf(targetUid, entry) : null;
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
          if (entry === undefined) misses.push(documentId);
          else if (entry) found.set(documentId, readOf(target.uid, entry));
        }
        if (misses.length === 0) continue;
        for (const [documentId, entry] of await load(target.uid, misses)) found.set(documentId, readOf(target.uid, entry));
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
        if (entry) {
          tallies.set(documentId, copy(entry));
          oldest = Math.min(oldest, entry.storedAt);
        } else misses.push(documentId);
      }
      if (misses.length > 0) {
        await reading(targetUid, misses, async (ticket) => {
          const storedAt = now();
          for (const [documentId, tally] of await getService(strapi, 'rules').tallies(targetUid, misses)) {
            // The response showed it published; a later unpublish announces and drops the entry.
            store(ticket, targetUid, documentId, { counts: publicPart(documentId, tally), storedAt });
            tallies.set(documentId, { ...tally, mine: null });
          }
        });
      }
      return { tallies, oldest };
    },

    /** The max-age a response built from data read at `storedAt` may still announce. */
    remainingMaxAge(storedAt: number): number {
      const maxAge = getSettings(strapi).tallyMaxAge;
      // Whole seconds, rounded against the cache; a read of the last quarter second counts as fresh.
      return Math.max(0, Math.min(maxAge, maxAge - Math.ceil((now() - storedAt - 250) / 1000)));
    },

    /** A write (or publication change) on this document: drop what is known of it, and make its reads in flight unstorable. */
    invalidate(targetUid: string, documentId: string): void {
      const key = keyOf(targetUid, documentId);
      entries.delete(key);
      absent.delete(key);
      const flight = inFlight.get(key);
      if (flight) flight.generation += 1;
    },

    /** Forget everything (the change feed reconnected: notifications may have been lost). */
    clear(): void {
      epoch += 1;
      entries.clear();
      absent.clear();
    },

    /** Published tallies held. */
    size(): number {
      return entries.size;
    },

    /** Ids held as "not a published document" (tests and diagnostics). */
    negativeSize(): number {
      return absent.size;
    },

    /** Whether a fresh entry for this document is held (tests and diagnostics; it does not count as a use). */
    has(targetUid: string, documentId: string): boolean {
      const entry = entries.get(keyOf(targetUid, documentId));
      return Boolean(entry) && isFresh((entry as Entry).storedAt);
    },
  };

  return cache;
};
