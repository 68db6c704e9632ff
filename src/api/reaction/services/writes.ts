/**
 * The write gate, the start of every reaction write over REST or GraphQL: who the reader is, once
 * per HTTP request, and the limits.
 *
 * One request is one reader: however many mutations a GraphQL request carries (aliases, several
 * fields), the first identifies the reader (minting at most one anonymous token) and every later
 * one reuses it. Each write still counts against the reader's limit.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { Reader } from './readers';

const readersByRequest = new WeakMap<Context, Reader>();

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async begin(ctx: Context): Promise<Reader> {
    const limits = strapi.service('api::reaction.write-limit');
    const known = readersByRequest.get(ctx);
    if (known) {
      await limits.consume(ctx, known);
      return known;
    }
    const reader = strapi.service('api::reaction.readers').identify(ctx, { issue: true }) as Reader;
    if (reader.issuedToken) await limits.consumeNewReader(ctx);
    await limits.consume(ctx, reader);
    // Later writes of this request act as the same reader, which by then may have written.
    readersByRequest.set(ctx, { ...reader, isNew: false });
    return reader;
  },
});
