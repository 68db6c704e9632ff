/**
 * Compiles the TypeScript project once per run (config and src to dist/), so each test file
 * only boots Strapi from the build.
 */
'use strict';

module.exports = async () => {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const { compileStrapi } = require('@strapi/strapi');
  await compileStrapi({ appDir: process.cwd() });
};
