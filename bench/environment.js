'use strict';

/** What every benchmark server runs with: production, quiet, fixed throwaway secrets. */
module.exports = {
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
