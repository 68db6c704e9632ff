/**
 * `GET /api/reaction-trends`: published documents of a target ranked by reactions within a
 * window. Identity-free (no `mine`), so it is public: ETag, 304 and a max-age of what is left of
 * the kept answer (services/trends.ts), which also spends the caller's budget.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { answerPublicly } from '../extensions/public-tallies';
import { getService } from '../utils/services';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const { answer, maxAge } = await getService(strapi, 'trends').read(ctx, ctx.query as Record<string, unknown>);
    // No stale-while-revalidate: a trend is already up to its max-age old when it is sent.
    answerPublicly(ctx, answer, `public, max-age=${maxAge}`);
  },
});
