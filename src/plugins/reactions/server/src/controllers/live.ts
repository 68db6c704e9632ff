/** `GET /api/reaction-stream?documentIds=a,b`: live tallies as Server-Sent Events (services/stream/). */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/services';
import { parseDocumentIds } from '../utils/validation';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async stream(ctx: Context) {
    await getService(strapi, 'stream').open(ctx, parseDocumentIds(ctx.query.documentIds));
  },
});
