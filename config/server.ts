type Env = {
  (key: string, fallback?: string): string;
  int(key: string, fallback?: number): number;
  bool(key: string, fallback?: boolean): boolean;
  array(key: string, fallback?: string[]): string[];
};

export default ({ env }: { env: Env }) => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  // Behind a load balancer, trust X-Forwarded-For so the write limit sees the reader's address.
  proxy: { koa: env.bool('TRUST_PROXY', false) },
  app: {
    keys: env.array('APP_KEYS'),
  },
  cron: { enabled: false },
  // The update check asks the npm registry for the latest Strapi at start: nothing may call out.
  logger: { updates: { enabled: false } },
});
