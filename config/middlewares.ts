type Env = {
  (key: string, fallback?: string): string;
};

export default ({ env }: { env: Env }) => [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  {
    name: 'strapi::cors',
    config: {
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
