import type { Core } from '@strapi/strapi';

type Env = Core.Config.Shared.ConfigParams['env'];

/**
 * The secrets a production instance must be given. The same list is in scripts/ensure-env.js,
 * which generates them into `.env` in development only.
 */
const REQUIRED_SECRETS = ['APP_KEYS', 'API_TOKEN_SALT', 'ADMIN_JWT_SECRET', 'JWT_SECRET', 'TRANSFER_TOKEN_SALT', 'ENCRYPTION_KEY'];

/**
 * In production every secret must come from the operator: nothing is generated behind their back
 * (users-permissions would otherwise invent a JWT secret and write it to .env, and sessions would be
 * signed with keys nobody knows). Throwing here stops `strapi start` before anything is loaded.
 * `strapi build` only compiles the admin panel, so an image can be built without the secrets.
 */
const assertProductionSecrets = (env: Env) => {
  if (env('NODE_ENV', 'development') !== 'production') return;
  if (process.argv[2] === 'build') return;
  const missing = REQUIRED_SECRETS.filter((key) => !env(key, '').split(',').some((part) => part.trim() !== ''));
  if (missing.length > 0) {
    throw new Error(
      `Missing secrets for production: ${missing.join(', ')}. Set them in the environment (or .env); ` +
        'see .env.example. Nothing is generated when NODE_ENV=production.'
    );
  }
};

/**
 * TRUST_PROXY is the number of proxies in front of the app: `0`/`false`/unset none, `true` one, `n` n.
 * Koa then takes the client address n entries from the right of X-Forwarded-For: the address the
 * outermost trusted proxy saw. Entries further left were written by the client and are ignored.
 */
const trustedProxyHops = (value: string): number => {
  const raw = value.trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return 0;
  if (raw === 'true') return 1;
  if (/^[0-9]{1,2}$/.test(raw)) return Number(raw);
  throw new Error(`TRUST_PROXY must be false, true or a number of proxy hops (0-99), not "${value}"`);
};

export default ({ env }: Core.Config.Shared.ConfigParams) => {
  assertProductionSecrets(env);
  const hops = trustedProxyHops(env('TRUST_PROXY', ''));
  return {
    host: env('HOST', '0.0.0.0'),
    port: env.int('PORT', 1337),
    // With hops > 0 koa also believes X-Forwarded-Proto (ctx.secure, so cookies are Secure) and
    // X-Forwarded-Host from the trusted proxy.
    proxy: { koa: hops > 0, ipHeader: 'X-Forwarded-For', maxIpsCount: hops },
    app: {
      keys: env.array('APP_KEYS'),
    },
    cron: { enabled: false },
    // The update check asks the npm registry for the latest Strapi at start: nothing may call out.
    logger: { updates: { enabled: false } },
  };
};
