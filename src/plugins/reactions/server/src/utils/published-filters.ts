/**
 * Filters cannot look into drafts. Readers only ever get published versions, but a filter on a
 * relation (`filters[localizations][title][$contains]=…`, or any relation to a type with drafts)
 * would still match the related drafts, and whether the published document comes back then tells
 * a reader what an unpublished draft says, word by word. Every such relation filter is narrowed
 * to published related rows. Shared by REST (`$and`, `$notNull`) and GraphQL (`and`, `notNull`).
 */
import type { Core } from '@strapi/strapi';

type Filters = Record<string, unknown>;
type Syntax = { and: string; or: string; not: string; notNull: string };

export const REST_FILTER_SYNTAX: Syntax = {
  and: '$and',
  or: '$or',
  not: '$not',
  notNull: '$notNull',
};
export const GRAPHQL_FILTER_SYNTAX: Syntax = {
  and: 'and',
  or: 'or',
  not: 'not',
  notNull: 'notNull',
};

type Attribute = { type?: string; target?: string };
type Model = {
  attributes: Record<string, Attribute>;
  options?: { draftAndPublish?: boolean };
};

const isObject = (value: unknown): value is Filters => typeof value === 'object' && value !== null && !Array.isArray(value);

export const publishedOnlyFilters = (strapi: Core.Strapi, uid: string, filters: unknown, syntax: Syntax): unknown => {
  const model = strapi.getModel(uid as never) as unknown as Model | undefined;
  if (!model || !isObject(filters)) return filters;
  const narrowed: Filters = {};
  for (const [key, value] of Object.entries(filters)) {
    if ((key === syntax.and || key === syntax.or) && Array.isArray(value)) {
      narrowed[key] = value.map((item) => publishedOnlyFilters(strapi, uid, item, syntax));
      continue;
    }
    if (key === syntax.not) {
      narrowed[key] = publishedOnlyFilters(strapi, uid, value, syntax);
      continue;
    }
    const attribute = model.attributes[key];
    if (attribute?.type !== 'relation' || !attribute.target || !isObject(value)) {
      narrowed[key] = value;
      continue;
    }
    const inner = publishedOnlyFilters(strapi, attribute.target, value, syntax);
    const target = strapi.getModel(attribute.target as never) as unknown as Model | undefined;
    narrowed[key] = target?.options?.draftAndPublish ? { [syntax.and]: [inner, { publishedAt: { [syntax.notNull]: true } }] } : inner;
  }
  return narrowed;
};
