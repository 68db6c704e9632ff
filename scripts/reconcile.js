#!/usr/bin/env node
/**
 * `npm run reactions:reconcile [-- --check]`: recomputes every reaction counter from the stored
 * reactions and repairs any drift (with --check, only reports it and exits 1 when there is some).
 * Safe to run on a live database: it works through documents in batches without table locks, and
 * writes go on meanwhile.
 */
'use strict';

process.env.STRAPI_TELEMETRY_DISABLED = 'true';
process.env.SEED_SAMPLE_CONTENT = process.env.SEED_SAMPLE_CONTENT || 'false';
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';

const { compileStrapi, createStrapi } = require('@strapi/strapi');
const { ensureEnv } = require('./ensure-env');

const main = async () => {
  const check = process.argv.includes('--check');
  ensureEnv();
  const app = await createStrapi(await compileStrapi()).load();
  try {
    const drift = await app.plugin('reactions').service('maintenance').reconcile({ repair: !check });
    for (const row of drift) {
      console.log(`${check ? 'drift' : 'repaired'}: ${row.target} ${row.documentId} ${row.kind}: counter ${row.stored}, rows ${row.counted}`);
    }
    console.log(drift.length === 0 ? 'Counters equal rows.' : `${drift.length} counter(s) ${check ? 'differ from' : 'repaired to'} rows.`);
    return check && drift.length > 0 ? 1 : 0;
  } finally {
    await app.destroy();
  }
};

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  }
);
