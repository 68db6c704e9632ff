/**
 * Who is reacting: a signed-in users-permissions user, or an anonymous reader holding a reactor
 * token this server signed. Only a keyed hash of either identity ever reaches the database.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { TOKEN_COOKIE, TOKEN_HEADER, UNAUTHORIZED_REASONS, type UnauthorizedReason } from '../../../shared/contract';
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

/** A 401 that says why (API.md, "Reader trust"): clients forget a stored token only on `reactor-token-invalid`. */
const unauthorized = (message: string, reason: UnauthorizedReason) => new errors.UnauthorizedError(message, { reason });

const badAuthorization = () => unauthorized('Invalid Authorization header: send "Bearer <jwt>"', UNAUTHORIZED_REASONS.jwtInvalid);
const foreignToken = () => unauthorized('Invalid reactor token: it was not issued by this server', UNAUTHORIZED_REASONS.tokenInvalid);

/** Where the derived secret is kept, so that adding or reordering APP_KEYS never re-keys readers. */
const SECRET_STORE_KEY = 'reactor-token-secret';

const TOKEN_PATTERN = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{32})$/;
const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const deriveSecret = (material: string): Buffer => crypto.createHash('sha256').update(`reactor-token-secret:${material}`).digest();

export default ({ strapi }: { strapi: Core.Strapi }) => {
  let secrets: Buffer[] | null = null;

  /**
   * REACTOR_TOKEN_SECRET may list several secrets (comma-separated) for rotation: the first signs
   * new tokens, every one verifies. Without it, one secret derived from APP_KEYS the first time the
   * plugin starts and kept in the plugin store (`loadSecrets`): a fresh clone needs no extra secret,
   * and later changes to APP_KEYS leave every reader's key as it was.
   */
  const getSecrets = (): Buffer[] => {
    if (!secrets) throw new Error('Reactor token secrets are not loaded yet: the reactions plugin has not bootstrapped');
    return secrets;
  };

  const configuredSecrets = (): Buffer[] =>
    getSettings(strapi)
      .tokenSecret.split(',')
      .map((value) => value.trim())
      .filter(Boolean)
      .map(deriveSecret);

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
     * Loads the signing secrets once, at bootstrap. Without REACTOR_TOKEN_SECRET the secret is the
     * one stored at the first start (derived then from APP_KEYS, exactly as earlier versions
     * derived it on every start, so their readers keep their keys).
     */
    async loadSecrets(): Promise<void> {
      const configured = configuredSecrets();
      if (configured.length > 0) {
        secrets = configured;
        return;
      }
      const store = strapi.store({ type: 'plugin', name: 'reactions' });
      const stored = (await store.get({ key: SECRET_STORE_KEY })) as string | null;
      if (typeof stored === 'string' && stored.length > 0) {
        secrets = [Buffer.from(stored, 'base64')];
        return;
      }
      const appKeys = (strapi.config.get('server.app.keys') as string[] | undefined) ?? [];
      if (appKeys.length === 0) throw new Error('Set REACTOR_TOKEN_SECRET or APP_KEYS to sign reactor tokens');
      const derived = deriveSecret(appKeys.join(','));
      // Instances starting together derive the same value from the same keys: either write wins.
      await store.set({ key: SECRET_STORE_KEY, value: derived.toString('base64') });
      secrets = [derived];
    },

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
        throw badAuthorization();
      }
      if (!getSettings(strapi).anonymous) {
        if (issue) throw unauthorized('Sign in to react: anonymous reactions are switched off', UNAUTHORIZED_REASONS.anonymousOff);
        return null;
      }
      const presented = presentedToken(ctx);
      if (presented) {
        const verified = verifyToken(presented.token);
        if (!verified) {
          // Drop a bad cookie so the browser's next request starts afresh instead of failing forever.
          if (presented.fromCookie) ctx.cookies.set(TOKEN_COOKIE, '', { ...cookieOptions(ctx), maxAge: 0 });
          throw foreignToken();
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
      if (!verified) throw foreignToken();
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
      if (ctx.get('authorization') && !isApiTokenCaller(ctx.state)) throw badAuthorization();
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
      if (!reader) throw unauthorized('Send your reactor token or sign in: there is no reader to act for', UNAUTHORIZED_REASONS.identityMissing);
      await limits.consume(ctx, reader);
      writersByRequest.set(ctx, { ...reader, isNew: false });
      return reader;
    },

    /**
     * A claim's two readers: the signed-in account (else 401) and the anonymous reader whose token
     * the request carries (else 400). Shared by REST and GraphQL.
     */
    async claimant(ctx: Context): Promise<{ user: Reader; anonymous: Reader & { token: string } }> {
      const signedIn = service.owner(ctx);
      if (signedIn?.type !== 'user') {
        throw unauthorized('Sign in to claim reactions: send Authorization: Bearer <jwt>', UNAUTHORIZED_REASONS.identityMissing);
      }
      const anonymous = service.presentedAnonymous(ctx);
      if (!anonymous) {
        throw new errors.ValidationError(`Send the anonymous reader's token to claim (the ${TOKEN_HEADER} header or the ${TOKEN_COOKIE} cookie)`);
      }
      const user = await service.forOwnWrite(ctx);
      return { user, anonymous };
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
