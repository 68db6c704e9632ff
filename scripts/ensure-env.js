#!/usr/bin/env node
/**
 * Creates `.env` with fresh random secrets on first run, so a clone starts without a manual step.
 * An existing `.env` is never overwritten; secrets missing from it are appended.
 */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const randomSecret = () => crypto.randomBytes(24).toString('base64');

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
      .map((line) => line.match(/^\s*([A-Z0-9_]+)\s*=\s*\S/))
      .filter(Boolean)
      .map((match) => match[1])
  );
}

/** Returns which secrets were written; `created` tells whether the file is new. */
function ensureEnv(directory = process.cwd()) {
  const file = path.join(directory, '.env');
  const exists = fs.existsSync(file);
  const current = exists ? fs.readFileSync(file, 'utf8') : '';
  const present = definedKeys(current);
  const missing = Object.keys(SECRETS).filter((key) => !present.has(key));
  if (missing.length === 0) return { file, created: false, added: [] };

  const lines = missing.map((key) => `${key}=${SECRETS[key]()}`);
  const header = exists ? '' : '# Generated on first run. Keep it private; see .env.example for every variable.\n';
  const separator = current && !current.endsWith('\n') ? '\n' : '';
  fs.writeFileSync(file, `${current}${separator}${header}${lines.join('\n')}\n`, { mode: 0o600 });
  return { file, created: !exists, added: missing };
}

module.exports = { ensureEnv };

if (require.main === module) {
  const { file, created, added } = ensureEnv();
  if (created) console.log(`Created ${path.relative(process.cwd(), file)} with fresh secrets.`);
  else if (added.length) console.log(`Added missing secrets to .env: ${added.join(', ')}`);
}
