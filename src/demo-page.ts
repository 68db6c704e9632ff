/**
 * Serves the demo page (`public/index.html`) at `/`.
 *
 * Strapi 5's `strapi::public` middleware serves files from `public/` at their own paths, but
 * answers `/` itself with a redirect to the admin panel (see @strapi/core
 * dist/middlewares/public.js). A route registered during `register()` sits earlier in the
 * server's router than that redirect, so it answers first. Without `public/index.html` the
 * stock behaviour is kept: `/` redirects to the admin panel.
 */
import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

export const registerDemoPage = (strapi: Core.Strapi) => {
  strapi.server.routes([
    {
      method: 'GET',
      path: '/',
      handler: async (ctx: Context) => {
        const file = path.join(strapi.dirs.static.public, 'index.html');
        try {
          const html = await fs.promises.readFile(file);
          ctx.type = 'html';
          // The page is tiny and its data comes from the API; always revalidate so edits show at once.
          ctx.set('Cache-Control', 'no-cache');
          ctx.body = html;
        } catch {
          ctx.redirect(strapi.config.get('admin.url', '/admin'));
        }
      },
      config: { auth: false },
    },
  ]);
};
