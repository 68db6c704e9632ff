/**
 * The analytics page's routes (admin only): top stories, one story's series, and the CSV export.
 * Each needs the plugin's "Read analytics" action (route policy) and read access to the target in
 * the Content Manager; titles are shown only of the documents the admin may read.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { readableDocuments } from '../utils/document-access';
import { keepErrorReason } from '../utils/errors';
import { getService } from '../utils/services';
import { findTarget, type Target } from '../utils/settings';
import { isDocumentId } from '../utils/validation';

const READ_ACTION = 'plugin::content-manager.explorer.read';

type Ability = { can: (action: string, subject: string) => boolean };

/** The target named by `uid`, if the admin may read it; with `allowed`, any other parameter is refused. */
const readableTarget = (strapi: Core.Strapi, ctx: Context, allowed?: string[]): { target: Target; rest: Record<string, unknown> } => {
  const { uid, ...rest } = ctx.query as Record<string, unknown>;
  const target = typeof uid === 'string' ? findTarget(strapi, uid) : undefined;
  if (!target) throw new errors.ValidationError('uid must be a content type with reactions enabled');
  const ability = ctx.state.userAbility as Ability | undefined;
  if (!ability || !ability.can(READ_ACTION, target.uid)) throw new errors.ForbiddenError('You may not read this content type');
  const unexpected = allowed ? Object.keys(rest).filter((key) => !allowed.includes(key)) : [];
  if (unexpected.length > 0) throw new errors.ValidationError('Unknown query parameters', { unexpected: unexpected.slice(0, 20) });
  return { target, rest };
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const analytics = () => getService(strapi, 'analytics');
  const trends = () => getService(strapi, 'trends');
  // Titles only of documents this admin may read, per the Content Manager's conditions.
  const readableBy = (ctx: Context, target: Target) => (documentIds: string[]) => readableDocuments(strapi, ctx.state.userAbility, target.uid, documentIds);

  return {
    top: keepErrorReason(async (ctx) => {
      const { target, rest } = readableTarget(strapi, ctx);
      const input = trends().parse({ ...rest, target: target.pluralName });
      ctx.body = await analytics().top(target, input.window, input.kind, input.limit, readableBy(ctx, target));
    }),

    series: keepErrorReason(async (ctx) => {
      const { target, rest } = readableTarget(strapi, ctx, ['documentId']);
      const { documentId } = rest;
      if (!isDocumentId(documentId)) throw new errors.ValidationError('documentId is required', { field: 'documentId' });
      const data = await analytics().series(target, documentId as string, readableBy(ctx, target));
      if (!data) throw new errors.NotFoundError('No document with this documentId');
      ctx.body = { data };
    }),

    csv: keepErrorReason(async (ctx) => {
      const { target, rest } = readableTarget(strapi, ctx, ['window']);
      const input = trends().parse({ target: target.pluralName, ...(rest.window === undefined ? {} : { window: rest.window }) });
      const body = await analytics().csv(target, input.window, readableBy(ctx, target));
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="reactions-${target.pluralName}-${input.window}.csv"`);
      ctx.set('Cache-Control', 'private, no-store');
      ctx.body = body;
    }),
  };
};
