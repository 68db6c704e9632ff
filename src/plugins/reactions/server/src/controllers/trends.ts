/**
 * `GET /api/reaction-trends`: published documents of a target ranked by reactions within a
 * window. Identity-free (no `mine`), so shared caches may keep it briefly.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/services';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const trends = getService(strapi, 'trends');
    const input = trends.parse(ctx.query as Record<string, unknown>);
    ctx.body = await trends.top(input);
    ctx.set('Cache-Control', 'public, max-age=30');
  },
});
