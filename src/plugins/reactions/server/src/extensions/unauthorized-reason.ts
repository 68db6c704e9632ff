/**
 * Strapi's own 401s on the plugin's paths say why, as the plugin's do (API.md, "Reader trust"):
 * users-permissions answers an expired or forged JWT with a bare 401 before any plugin code runs,
 * and a client that saw no reason could not tell it from a reactor token that is not ours. A 401
 * sent with an Authorization header is about that header (`jwt-invalid`); one without is about a
 * missing identity. The plugin's own 401s already carry a reason and are left as they are.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { UNAUTHORIZED_REASONS } from '../../../shared/contract';
import { amendPluginResponses } from '../utils/plugin-paths';

type Envelope = { error?: { status?: number; details?: Record<string, unknown> } };
type GraphqlBody = { errors?: Array<{ extensions?: { code?: string; error?: Envelope['error'] } }> };

const reasonFor = (ctx: Context) => (ctx.get('authorization') ? UNAUTHORIZED_REASONS.jwtInvalid : UNAUTHORIZED_REASONS.identityMissing);

const addReason = (error: Envelope['error'], reason: string) => {
  if (!error || error.status !== 401) return;
  const details = error.details && typeof error.details === 'object' ? error.details : {};
  if (typeof details.reason === 'string') return;
  error.details = { ...details, reason };
};

export const registerUnauthorizedReason = (strapi: Core.Strapi) => {
  amendPluginResponses(strapi, (ctx) => {
    if (!ctx.body || typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return;
    const body = ctx.body as Envelope & GraphqlBody;
    if (ctx.status === 401) addReason(body.error, reasonFor(ctx));
    for (const error of Array.isArray(body.errors) ? body.errors : []) addReason(error.extensions?.error, reasonFor(ctx));
  });
};
