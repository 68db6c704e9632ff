/**
 * Compiles the TypeScript app once per run (config and src to dist/), so each test file only
 * boots Strapi from the build. Output of files that no longer exist is cleared first (a stale
 * compiled content type would still load), and the admin bundle is dropped when the reactions
 * plugin's admin was rebuilt after it, so browser tests never drive an old panel.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

module.exports = async () => {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const appDir = process.cwd();
  for (const dir of ['src', 'config', 'tsconfig.tsbuildinfo']) fs.rmSync(path.join(appDir, 'dist', dir), { recursive: true, force: true });
  const adminBundle = path.join(appDir, 'dist', 'build', 'index.html');
  const pluginAdmin = path.join(appDir, 'src', 'plugins', 'reactions', 'dist', 'admin', 'index.mjs');
  if (mtime(adminBundle) && mtime(pluginAdmin) > mtime(adminBundle)) fs.rmSync(path.dirname(adminBundle), { recursive: true, force: true });
  const { compileStrapi } = require('@strapi/strapi');
  await compileStrapi({ appDir });
};
