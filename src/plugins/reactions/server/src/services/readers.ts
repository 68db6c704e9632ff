/**
 * Who is reacting: a signed-in users-permissions user, or an anonymous reader holding a reactor
 * token this server signed. Only a keyed hash of either identity ever reaches the database.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { TOKEN_COOKIE, TOKEN_HEADER } from '../../../shared/contract';
import { getService } from '../utils/services';
import { getSettings, isApiTokenCaller } from '../utils/settings';

export type Reader = {
  /** HMAC of the identity; the only form in which a reader is stored. */
  key: string;
  type: 'user' | 'anonymous';
  userId: number | null;
  /** Set when this request minted a new anonymous token that must be sent back. */
  issuedToken: string | null;
  /** A reader minted by this request that has not written yet: it has no reactions to read or clear. */
  isNew: boolean;
};

const TOKEN_PATTERN = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{32})$/;
const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  let secrets: Buffer[] | null = null;

  /**
   * REACTOR_TOKEN_SECRET may list several secrets (comma-separated) for rotation: the first signs
   * new tokens, every one verifies. Empty: one key derived from APP_KEYS, so a fresh clone needs
   * no extra secret.
   */
  const getSecrets = (): Buffer[] => {
    if (secrets) return secrets;
    const configured = getSettings(strapi)
      .tokenSecret.split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    const appKeys = (strapi.config.get('server.app.keys') as string[] | undefined) ?? [];
    const materials = configured.length > 0 ? configured : appKeys.length > 0 ? [appKeys.join(',')] : [];
    if (materials.length === 0) throw new Error('Set REACTOR_TOKEN_SECRET or APP_KEYS to sign reactor tokens');
    secrets = materials.map((material) => crypto.createHash('sha256').update(`reactor-token-secret:${material}`).digest());
    return secrets;
  };

  const hmac = (secret: Buffer, purpose: string, value: string): Buffer =>
    crypto.createHmac('sha256', secret).update(`${purpose}:${value}`).digest();

  const signature = (secret: Buffer, tokenId: string): string =>
    hmac(secret, 'reactor-token', tokenId).subarray(0, 24).toString('base64url');

  const readerKey = (secret: Buffer, subject: string): string => hmac(secret, 'reader', subject).toString('base64url');

  /**
   * A token's reader key is hashed with the secret that signed it, so rotating secrets keeps every
   * live token's reactions. Signed-in readers' keys use the last listed secret (the oldest): keep
   * it listed while their stored reactions should keep their reader.
   */
  const userKey = (userId: number): string => {
    const all = getSecrets();
    return readerKey(all[all.length - 1], `user:${userId}`);
  };

  /** The secret that signed this token, or null when none of ours did. */
  const verifyToken = (token: string): { tokenId: string; secret: Buffer } | null => {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return null;
    const actual = Buffer.from(match[2]);
    for (const secret of getSecrets()) {
      const expected = Buffer.from(signature(secret, match[1]));
      if (expected.length === actual.length && crypto.timingSafeEqual(expected, actual)) return { tokenId: match[1], secret };
    }
    return null;
  };

  // One request is one reader (see `forWrite`).
  const writersByRequest = new WeakMap<Context, Reader>();

  const presentedToken = (ctx: Context): { token: string; fromCookie: boolean } | null => {
    const header = ctx.get(TOKEN_HEADER);
    if (header) return { token: header.trim(), fromCookie: false };
    // Unsigned: the token carries its own signature, and clients may send the bare cookie.
    const cookie = ctx.cookies.get(TOKEN_COOKIE, { signed: false });
    return cookie ? { token: cookie, fromCookie: true } : null;
  };

  const cookieOptions = (ctx: Context) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path: '/',
    overwrite: true,
    signed: false,
  });

  const service = {
    /**
     * Identifies the caller. With `issue`, an anonymous caller without a token gets a fresh one
     * (see `deliverToken`); without it, an unidentified caller is `null`.
     * Throws 401 for a token this server did not sign, and for writes when anonymous reactions are off.
     */
    identify(ctx: Context, { issue }: { issue: boolean }): Reader | null {
      const user = ctx.state?.user as { id?: number } | undefined;
      if (user?.id) {
        return { key: userKey(user.id), type: 'user', userId: user.id, issuedToken: null, isNew: false };
      }
      // users-permissions ignores an Authorization header it cannot parse; a reader who meant to
      // sign in must not silently become anonymous.
      if (ctx.get('authorization') && !isApiTokenCaller(ctx.state)) {
        throw new errors.UnauthorizedError('Invalid Authorization header: send "Bearer <jwt>"');
      }
      if (!getSettings(strapi).anonymous) {
        if (issue) throw new errors.UnauthorizedError('Sign in to react: anonymous reactions are switched off');
        return null;
      }
      const presented = presentedToken(ctx);
      if (presented) {
        const verified = verifyToken(presented.token);
        if (!verified) {
          // Drop a bad cookie so the browser's next request starts afresh instead of failing forever.
          if (presented.fromCookie) ctx.cookies.set(TOKEN_COOKIE, '', { ...cookieOptions(ctx), maxAge: 0 });
          throw new errors.UnauthorizedError('Invalid reactor token: it was not issued by this server');
        }
        return { key: readerKey(verified.secret, `anon:${verified.tokenId}`), type: 'anonymous', userId: null, issuedToken: null, isNew: false };
      }
      if (!issue) return null;
      const tokenId = crypto.randomBytes(18).toString('base64url');
      const [signing] = getSecrets();
      return {
        key: readerKey(signing, `anon:${tokenId}`),
        type: 'anonymous',
        userId: null,
        issuedToken: `${tokenId}.${signature(signing, tokenId)}`,
        isNew: true,
      };
    },

    /**
     * The reader for tallies embedded in Strapi's own responses (REST lists, GraphQL fields):
     * there a token this server did not sign only hides `mine`, rather than failing the page.
     */
    readerIfValid(ctx: Context): Reader | null {
      try {
        return service.identify(ctx, { issue: false });
      } catch {
        return null;
      }
    },

    /**
     * The write gate, the start of every reaction write over REST or GraphQL: who the reader is,
     * once per HTTP request, and the limits. However many mutations a GraphQL request carries
     * (aliases, several fields), the first identifies the reader, minting at most one anonymous
     * token, and every later one reuses it; each write still counts against the reader's limit.
     */
    async forWrite(ctx: Context): Promise<Reader> {
      const limits = getService(strapi, 'limits');
      const known = writersByRequest.get(ctx);
      if (known) {
        await limits.consume(ctx, known);
        return known;
      }
      const reader = service.identify(ctx, { issue: true }) as Reader;
      if (reader.issuedToken) await limits.consumeNewReader(ctx);
      await limits.consume(ctx, reader);
      // Later writes of this request act as the same reader, which by then may have written.
      writersByRequest.set(ctx, { ...reader, isNew: false });
      return reader;
    },

    /** Sends a newly issued token back, as the contract says: header and httpOnly cookie. */
    deliverToken(ctx: Context, reader: Reader): void {
      if (!reader.issuedToken) return;
      ctx.set(TOKEN_HEADER, reader.issuedToken);
      ctx.cookies.set(TOKEN_COOKIE, reader.issuedToken, { ...cookieOptions(ctx), maxAge: ONE_YEAR_MS });
    },

    /** The reader key of a users-permissions user, without a request (e.g. when the user is deleted). */
    userReaderKey(userId: number): string {
      return userKey(userId);
    },

    /**
     * The anonymous reader behind the reactor token the request carries (header, else cookie),
     * whether or not a JWT came too, and whether or not anonymous reactions are switched on (a
     * reader may still see, erase or claim what they reacted with before). Null without a token;
     * 401 for a token this server did not sign.
     */
    presentedAnonymous(ctx: Context): (Reader & { token: string; fromCookie: boolean }) | null {
      const presented = presentedToken(ctx);
      if (!presented) return null;
      const verified = verifyToken(presented.token);
      if (!verified) throw new errors.UnauthorizedError('Invalid reactor token: it was not issued by this server');
      return {
        key: readerKey(verified.secret, `anon:${verified.tokenId}`),
        type: 'anonymous',
        userId: null,
        issuedToken: null,
        isNew: false,
        token: presented.token,
        fromCookie: presented.fromCookie,
      };
    },

    /**
     * Whose own reactions a request is about (list, erase): the signed-in user, else the holder of
     * a valid reactor token; null when the request carries neither. Never mints a token.
     * Throws 401 for a bad Authorization header or a token this server did not sign.
     */
    owner(ctx: Context): Reader | null {
      const user = ctx.state?.user as { id?: number } | undefined;
      if (user?.id) return { key: userKey(user.id), type: 'user', userId: user.id, issuedToken: null, isNew: false };
      if (ctx.get('authorization') && !isApiTokenCaller(ctx.state)) {
        throw new errors.UnauthorizedError('Invalid Authorization header: send "Bearer <jwt>"');
      }
      const anonymous = service.presentedAnonymous(ctx);
      return anonymous && { key: anonymous.key, type: 'anonymous', userId: null, issuedToken: null, isNew: false };
    },

    /**
     * The write gate for erasing or claiming a reader's own reactions: as `forWrite` (one reader
     * per request, each call one write against the limit), but it never mints a token: without
     * an identity there is nothing to erase, so 401.
     */
    async forOwnWrite(ctx: Context): Promise<Reader> {
      const limits = getService(strapi, 'limits');
      const reader = writersByRequest.get(ctx) ?? service.owner(ctx);
      if (!reader) throw new errors.UnauthorizedError('Send your reactor token or sign in: there is no reader to act for');
      await limits.consume(ctx, reader);
      writersByRequest.set(ctx, { ...reader, isNew: false });
      return reader;
    },

    /** After a claim the account owns the token's reactions: the browser's cookie for it is dropped. */
    forgetTokenCookie(ctx: Context, token: string): void {
      if (ctx.cookies.get(TOKEN_COOKIE, { signed: false }) !== token) return;
      ctx.cookies.set(TOKEN_COOKIE, '', { ...cookieOptions(ctx), maxAge: 0 });
    },

    /** A client address as the write limit keeps it: a keyed hash, never the address itself. */
    addressKey(address: string): string {
      return hmac(getSecrets()[0], 'address', address).subarray(0, 18).toString('base64url');
    },
  };

  return service;
};
