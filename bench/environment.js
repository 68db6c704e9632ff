'use strict';

const path = require('path');
const { spawnSync } = require('child_process');

/**
 * Runs a benchmark's `main`: with `--pg` and no server named (DATABASE_HOST), first again under
 * a throwaway PostgreSQL from npm (scripts/with-postgres.mjs). Exits with its status.
 */
const runBenchmark = (script, main) => {
  if (process.argv.includes('--pg') && !process.env.DATABASE_HOST) {
    const wrapper = path.join(__dirname, '..', 'scripts', 'with-postgres.mjs');
    const run = spawnSync(process.execPath, [wrapper, process.execPath, script, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(run.status ?? 1);
  }
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    }
  );
};

/** What every benchmark server runs with: production, quiet, fixed throwaway secrets. */
module.exports = {
  runBenchmark,
  BENCH_ENV: {
    NODE_ENV: 'production',
    STRAPI_TELEMETRY_DISABLED: 'true',
    LOG_LEVEL: 'warn',
    SEED_SAMPLE_CONTENT: 'false',
    APP_KEYS: 'bench-key-one,bench-key-two',
    API_TOKEN_SALT: 'bench-salt',
    ADMIN_JWT_SECRET: 'bench-admin-secret',
    JWT_SECRET: 'bench-jwt-secret',
    TRANSFER_TOKEN_SALT: 'bench-transfer-salt',
    ENCRYPTION_KEY: 'bench-encryption-key',
  },
};
