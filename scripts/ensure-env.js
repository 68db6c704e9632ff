#!/usr/bin/env node
/**
 * Development: creates `.env` with fresh random secrets on first run, so a clone starts without a
 * manual step. An existing `.env` is never overwritten; secrets missing from it are appended. The
 * file is readable by its owner only (0600), also when it already existed.
 *
 * Production (NODE_ENV=production): generates nothing. Secrets are the operator's to give, in the
 * environment or in `.env`; when some are missing this names them and exits non-zero, so the start
 * stops. `npm run build` only compiles, so there it is a notice and the build goes on (an image can
 * be built without secrets). The server checks again at start (config/server.ts).
 */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const randomSecret = () => crypto.randomBytes(24).toString('base64');

// The same list is checked by config/server.ts when the server starts in production.
const SECRETS = {
  APP_KEYS: () => [randomSecret(), randomSecret(), randomSecret(), randomSecret()].join(','),
  API_TOKEN_SALT: randomSecret,
  ADMIN_JWT_SECRET: randomSecret,
  JWT_SECRET: randomSecret,
  TRANSFER_TOKEN_SALT: randomSecret,
  ENCRYPTION_KEY: randomSecret,
};

function definedKeys(text) {
  return new Set(
    text
      .split(/\r?\n/)
      .map((line) => line.match(/^\s*(?:export\s+)?([A-Z0-9_]+)\s*=\s*(?:"[^"\s]|'[^'\s]|[^\s#"'])/))
      .filter(Boolean)
      .map((match) => match[1])
  );
}

const isSet = (value) => typeof value === 'string' && value.split(',').some((part) => part.trim() !== '');

/**
 * Returns which secrets were written (`added`) and which are still missing (`missing`, production
 * only); `created` tells whether the file is new. `env` stands for the process environment.
 */
function ensureEnv(directory = process.cwd(), env = process.env) {
  const file = path.join(directory, '.env');
  const exists = fs.existsSync(file);
  const current = exists ? fs.readFileSync(file, 'utf8') : '';
  const present = definedKeys(current);
  const missing = Object.keys(SECRETS).filter((key) => !present.has(key) && !isSet(env[key]));
  if (missing.length === 0) return { file, created: false, added: [], missing: [] };
  if (env.NODE_ENV === 'production') return { file, created: false, added: [], missing };

  const lines = missing.map((key) => `${key}=${SECRETS[key]()}`);
  const header = exists ? '' : '# Generated on first run. Keep it private; see .env.example for every variable.\n';
  const separator = current && !current.endsWith('\n') ? '\n' : '';
  // `mode` applies only when the file is created; chmod covers an existing, looser file too.
  fs.writeFileSync(file, `${current}${separator}${header}${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { file, created: !exists, added: missing, missing: [] };
}

module.exports = { ensureEnv, SECRETS: Object.keys(SECRETS) };

if (require.main === module) {
  const { file, created, added, missing } = ensureEnv();
  if (missing.length) {
    const building = process.env.npm_lifecycle_event === 'build';
    const message =
      `NODE_ENV=production and these secrets are not set: ${missing.join(', ')}. ` +
      'Nothing is generated in production: set them in the environment or in .env (see .env.example).';
    if (building) {
      console.warn(`${message} Building anyway; the server will not start without them.`);
    } else {
      console.error(message);
      process.exit(1);
    }
  } else if (created) console.log(`Created ${path.relative(process.cwd(), file)} with fresh secrets.`);
  else if (added.length) console.log(`Added missing secrets to .env: ${added.join(', ')}`);
}
