/**
 * Per-document coalescing: at most one tally event per document per second of the plugin's
 * clock. The first change after a quiet second goes out at once; changes within the second are
 * folded into one trailing event, read after the last of them, so the last state always arrives.
 * Trailing events due together are read in one go.
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../../utils/services';
import type { PublicRead } from '../tally-cache';

/** At most one tally event per document within this many milliseconds of the plugin clock. */
export const COALESCE_MS = 1000;

/** A watched document: its target and id in one string. */
export const keyOf = (targetUid: string, documentId: string) => `${targetUid}\u0000${documentId}`;
export const documentIdOf = (key: string) => key.slice(key.indexOf('\u0000') + 1);
export const targetUidOf = (key: string) => key.slice(0, key.indexOf('\u0000'));

/** Coalescing state of one watched document. */
type DocState = { lastSentAt: number | null; pending: boolean; reading: boolean };

type CoalescerOptions = {
  strapi: Core.Strapi;
  now: () => number;
  /** Asks for `flush` by this time of the plugin clock. */
  arm: (at: number) => void;
  /** Writes a read tally to the streams watching its document. */
  publish: (read: PublicRead) => void;
};

export const createCoalescer = ({ strapi, now, arm, publish }: CoalescerOptions) => {
  const docs = new Map<string, DocState>();
  const cache = () => getService(strapi, 'tallyCache');

  const isDue = (state: DocState, at: number) =>
    // A clock moved back (tests restoring it) must not hold events until it catches up.
    state.lastSentAt === null || at - state.lastSentAt >= COALESCE_MS || at < state.lastSentAt;

  /** Reads these documents' tallies (one read for several) and publishes each. */
  const emit = async (keys: string[]) => {
    const at = now();
    const states = new Map<string, DocState>();
    for (const key of keys) {
      const state = docs.get(key);
      if (!state) continue;
      state.pending = false;
      state.reading = true;
      state.lastSentAt = at;
      states.set(key, state);
    }
    try {
      const first = keys[0];
      const reads =
        keys.length === 1 ? [await cache().tally(targetUidOf(first), documentIdOf(first))] : await cache().tallies(keys.map(documentIdOf));
      for (const read of reads) {
        if (read) publish(read);
      }
    } catch (error) {
      // Tried again a second later: the last state must still arrive.
      for (const state of states.values()) state.pending = true;
      strapi.log.warn(`Reaction stream: could not read a changed tally (${(error as Error).message})`);
    } finally {
      for (const [key, state] of states) {
        state.reading = false;
        // A change during the read: its trailing event falls due a second after this one.
        if (state.pending && docs.get(key) === state) arm((state.lastSentAt ?? at) + COALESCE_MS);
      }
    }
  };

  return {
    /** Starts coalescing a document's changes (a stream now watches it). */
    watch(key: string): void {
      if (!docs.has(key)) docs.set(key, { lastSentAt: null, pending: false, reading: false });
    },

    /** Forgets a document no stream watches any more. */
    forget(key: string): void {
      docs.delete(key);
    },

    /** A watched document changed: its event goes now if its second is over, else when it is. */
    changed(key: string): void {
      const state = docs.get(key);
      if (!state) return;
      state.pending = true;
      if (state.reading) return;
      if (isDue(state, now())) void emit([key]);
      else arm((state.lastSentAt as number) + COALESCE_MS);
    },

    /** Sends the trailing events due at `at`; returns when the next one falls due (Infinity: none). */
    flush(at: number): number {
      const due: string[] = [];
      let next = Infinity;
      for (const [key, state] of docs) {
        if (!state.pending || state.reading) continue;
        if (isDue(state, at)) due.push(key);
        else next = Math.min(next, (state.lastSentAt ?? at) + COALESCE_MS);
      }
      if (due.length > 0) void emit(due);
      return next;
    },

    /** Documents with a trailing event waiting for its second, and documents being read. */
    counts(): { pending: number; reading: number } {
      let pending = 0;
      let reading = 0;
      for (const state of docs.values()) {
        if (state.pending) pending += 1;
        if (state.reading) reading += 1;
      }
      return { pending, reading };
    },
  };
};
