import type { Core } from '@strapi/strapi';

type RequestHeaders = { get(field: string): string };

/**
 * CORS_ORIGINS: the origins (scheme://host[:port], comma-separated) whose pages may send the
 * reader's cookies. A wildcard or anything that is not an origin stops the start: a typo must not
 * silently open or close credentials.
 */
const credentialOrigins = (value: string): string[] =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      let url: URL | null = null;
      try {
        url = new URL(entry);
      } catch {
        url = null;
      }
      const origin = url && /^https?:$/.test(url.protocol) ? url.origin : null;
      if (!origin || entry.includes('*') || entry.replace(/\/+$/, '').toLowerCase() !== origin.toLowerCase()) {
        throw new Error(`CORS_ORIGINS lists "${entry}": each entry must be an origin such as https://news.example (no wildcard, no path)`);
      }
      return origin;
    });

export default ({ env }: Core.Config.Shared.ConfigParams) => {
  const origins = credentialOrigins(env('CORS_ORIGINS', ''));
  return [
    'strapi::logger',
    // Before strapi::errors, so it sees the final response (error envelopes included).
    'global::private-responses',
    'strapi::errors',
    'strapi::security',
    {
      name: 'strapi::cors',
      config: {
        // Any origin may call the API (its origin is echoed back, `*` without an Origin header),
        // sending the anonymous reader's token in the X-Reactor-Token header ...
        origin: '*',
        // ... but only the listed origins may send cookies (preflights included). The GraphQL
        // route has no CORS layer of its own (`cors: false` in config/plugins.ts), so this holds there too.
        credentials: (ctx: RequestHeaders) => origins.includes(ctx.get('Origin')),
        headers: ['Content-Type', 'Authorization', 'Origin', 'Accept', 'X-Reactor-Token'],
        // Browsers may read the anonymous token and the write limit's back-off.
        expose: ['X-Reactor-Token', 'Retry-After'],
      },
    },
    'strapi::poweredBy',
    'strapi::query',
    'global::request-errors',
    {
      name: 'strapi::body',
      config: {
        // Reaction bodies are tiny; anything larger is refused with 413 before it is parsed.
        jsonLimit: env('BODY_JSON_LIMIT', '256kb'),
        formLimit: env('BODY_FORM_LIMIT', '256kb'),
        textLimit: env('BODY_TEXT_LIMIT', '256kb'),
      },
    },
    'strapi::session',
    // Also answers browsers' automatic /favicon.ico (without a file in the root Strapi answers 500).
    { name: 'strapi::favicon', config: { path: 'public/favicon.png' } },
    'strapi::public',
  ];
};
