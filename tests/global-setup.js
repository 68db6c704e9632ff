/**
 * Compiles the TypeScript app once per run (config and src to dist/), so each test file only
 * boots Strapi from the build. Compiled files whose source is gone are removed first (a stale
 * compiled content type would still load); nothing else is deleted, so a run never pulls the
 * build from under another. The admin bundle is dropped when the reactions plugin's admin was
 * rebuilt after it, so browser tests never drive an old panel.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

const SOURCE_EXTENSIONS = ['.ts', '.js', '.tsx', '.json', '.mjs', '.cjs'];

const removeOrphans = (builtDir, sourceDir) => {
  if (!fs.existsSync(builtDir)) return;
  for (const entry of fs.readdirSync(builtDir, { withFileTypes: true })) {
    const built = path.join(builtDir, entry.name);
    const source = path.join(sourceDir, entry.name);
    if (entry.isDirectory()) {
      if (fs.existsSync(source)) removeOrphans(built, source);
      else fs.rmSync(built, { recursive: true, force: true });
      continue;
    }
    const stem = source.replace(/\.(js|js\.map|d\.ts|json)$/, '');
    if (!SOURCE_EXTENSIONS.some((extension) => fs.existsSync(stem + extension))) fs.rmSync(built, { force: true });
  }
};

module.exports = async () => {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const appDir = process.cwd();
  removeOrphans(path.join(appDir, 'dist', 'src'), path.join(appDir, 'src'));
  removeOrphans(path.join(appDir, 'dist', 'config'), path.join(appDir, 'config'));
  const adminBundle = path.join(appDir, 'dist', 'build', 'index.html');
  const pluginAdmin = path.join(appDir, 'src', 'plugins', 'reactions', 'dist', 'admin', 'index.mjs');
  if (mtime(adminBundle) && mtime(pluginAdmin) > mtime(adminBundle)) fs.rmSync(path.dirname(adminBundle), { recursive: true, force: true });
  const { compileStrapi } = require('@strapi/strapi');
  await compileStrapi({ appDir });
};
