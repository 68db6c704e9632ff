/**
 * Per-request state for resolvers: the reader (identified once) and a batching tally loader,
 * so `articles { reactionTally }` costs a fixed number of queries whatever the page size.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { Tally } from '../../../shared/contract';
import type { Reader } from '../services/readers';
import { getService } from '../utils/services';

export type ResolverContext = { koaContext: Context; state: Record<string, unknown> };

type Batch = { ids: Set<string>; result: Promise<Map<string, Tally>> };
type RequestState = { reader?: Reader | null; batches: Map<string, Batch | null> };

const requests = new WeakMap<Context, RequestState>();

const stateOf = (ctx: Context): RequestState => {
  let state = requests.get(ctx);
  if (!state) {
    state = { batches: new Map() };
    requests.set(ctx, state);
  }
  return state;
};

/** The reader for reads; a forged token only hides `mine` here (mutations refuse it with 401). */
const readerFor = (strapi: Core.Strapi, ctx: Context): Reader | null => {
  const state = stateOf(ctx);
  if (state.reader === undefined) {
    state.reader = getService(strapi, 'readers').readerIfValid(ctx);
  }
  return state.reader ?? null;
};

/** Collects every tally asked for in this tick and loads them with one batch tally per target. */
export const loadTally = (strapi: Core.Strapi, ctx: Context, targetUid: string, documentId: string): Promise<Tally> => {
  const state = stateOf(ctx);
  let batch = state.batches.get(targetUid);
  if (!batch) {
    const ids = new Set<string>();
    const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      state.batches.set(targetUid, null);
      return getService(strapi, 'rules').tallies(targetUid, [...ids], readerFor(strapi, ctx));
    });
    batch = { ids, result };
    state.batches.set(targetUid, batch);
  }
  batch.ids.add(documentId);
  return batch.result.then((tallies) => tallies.get(documentId) as Tally);
};
