/**
 * Serves the `<reaction-bar>` web component the package ships (bar/reaction-bar.js) at
 * `GET /api/reactions/reaction-bar.js`, so any host's pages can load it without copying files.
 * Read once; revalidated by ETag, kept an hour by browsers and CDNs.
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import type { Context } from 'koa';

// From dist/server (the bundle) or server/src/controllers (sources run by tests), the package root's bar/.
const candidates = [path.resolve(__dirname, '..', '..', 'bar', 'reaction-bar.js'), path.resolve(__dirname, '..', '..', '..', 'bar', 'reaction-bar.js')];

let loaded: { body: Buffer; etag: string } | null = null;
const load = () => {
  if (!loaded) {
    const file = candidates.find((candidate) => fs.existsSync(candidate));
    if (!file) throw new Error('The reactions package is missing bar/reaction-bar.js');
    const body = fs.readFileSync(file);
    loaded = { body, etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }
  return loaded;
};

export default () => ({
  async script(ctx: Context) {
    const { body, etag } = load();
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('ETag', etag);
    ctx.type = 'text/javascript; charset=utf-8';
    if (ctx.get('If-None-Match') === etag) {
      ctx.status = 304;
      return;
    }
    ctx.body = body;
  },
});
