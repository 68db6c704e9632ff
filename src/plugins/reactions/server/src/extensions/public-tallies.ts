/**
 * Tally reads without identity are the same for everyone, so a CDN may keep them: they are
 * answered from the in-process tally cache with `Cache-Control: public, max-age=<tallyMaxAge>,
 * stale-while-revalidate=30`, a strong ETag over the exact body sent, and 304 to a matching
 * `If-None-Match` (koa's `ctx.fresh`: weak tags and lists too, RFC 9110). The max-age announced
 * is what is left of the cached entry's, so a tally is never staler than the max-age, cache and
 * CDN together. `Vary` names the identity headers (the app's private-responses middleware adds
 * them to every API response), so a cache never hands an identified reader's response to anyone.
 *
 * A request carrying any identity (Authorization, X-Reactor-Token, the reactor_token cookie)
 * takes the identified path and stays `private, no-store`.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { notPublished } from '../utils/errors';
import type { Context } from 'koa';
import { TOKEN_COOKIE, TOKEN_HEADER } from '../../../shared/contract';
import { getService } from '../utils/services';
import type { Target } from '../utils/settings';
import { isDocumentId } from '../utils/validation';

export const IDENTITY_HEADERS = ['Authorization', 'Cookie', 'X-Reactor-Token'];

/** No JWT or API token, no reactor token in header or cookie: the answer is everyone's. */
export const isIdentityFree = (ctx: Context): boolean =>
  !ctx.get('authorization') && !ctx.get(TOKEN_HEADER) && !ctx.cookies.get(TOKEN_COOKIE, { signed: false });

export const publicCacheControl = (maxAge: number) => `public, max-age=${maxAge}, stale-while-revalidate=30`;

/** Sends `body` as a cacheable public response: ETag, Cache-Control, Vary; 304 when the client's copy is current. */
export const answerPublicly = (ctx: Context, body: unknown, cacheControl: string) => {
  const json = JSON.stringify(body);
  ctx.status = 200;
  ctx.set('ETag', `"${crypto.createHash('sha256').update(json).digest('base64url').slice(0, 32)}"`);
  ctx.set('Cache-Control', cacheControl);
  for (const header of IDENTITY_HEADERS) ctx.vary(header);
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.type = 'application/json';
  ctx.body = json;
};

/** `GET /api/<plural>/:documentId/reactions` without identity. */
export const answerPublicTally = async (strapi: Core.Strapi, ctx: Context, target: Target, documentId: unknown) => {
  const cache = getService(strapi, 'tallyCache');
  const read = isDocumentId(documentId) ? await cache.tally(target.uid, documentId as string) : null;
  if (!read) throw notPublished(target);
  answerPublicly(ctx, { data: read.tally }, publicCacheControl(cache.remainingMaxAge(read.storedAt)));
};

/** `GET /api/reaction-tallies?documentIds=...` without identity. */
export const answerPublicTallies = async (strapi: Core.Strapi, ctx: Context, documentIds: string[]) => {
  const cache = getService(strapi, 'tallyCache');
  const reads = await cache.tallies(documentIds);
  const oldest = reads.reduce((min, read) => Math.min(min, read.storedAt), Date.now());
  answerPublicly(
    ctx,
    { data: reads.map((read) => read.tally) },
    publicCacheControl(cache.remainingMaxAge(oldest))
  );
};
