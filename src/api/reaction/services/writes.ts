/**
 * The start of every reaction write, over REST or GraphQL: identify the reader (issuing an
 * anonymous token if needed) and count the write against the client's limit.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { Reader } from './readers';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async begin(ctx: Context): Promise<Reader> {
    const reader = strapi.service('api::reaction.readers').identify(ctx, { issue: true }) as Reader;
    await strapi.service('api::reaction.write-limit').consume(ctx, reader);
    return reader;
  },
});
