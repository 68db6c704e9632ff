/**
 * Request validation for the reaction endpoints. The allowed kinds come from config.
 */
import { errors } from '@strapi/utils';

export const MAX_BATCH_IDS = 100;
const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ "data": { "kind": "love" } }` and nothing else. */
export const parseSetBody = (body: unknown, allowed: string[]): string => {
  if (!isPlainObject(body) || !isPlainObject(body.data)) {
    throw new errors.ValidationError('Send { "data": { "kind": "<kind>" } }', { allowed });
  }
  const extraTop = Object.keys(body).filter((key) => key !== 'data');
  const extraData = Object.keys(body.data).filter((key) => key !== 'kind');
  if (extraTop.length > 0 || extraData.length > 0) {
    throw new errors.ValidationError('Only data.kind may be sent', {
      unexpected: [...extraTop, ...extraData.map((key) => `data.${key}`)].slice(0, 20),
    });
  }
  const { kind } = body.data;
  if (kind === undefined || kind === null || kind === '') {
    throw new errors.ValidationError('data.kind is required', { allowed });
  }
  if (typeof kind !== 'string' || !allowed.includes(kind)) {
    throw new errors.ValidationError(`Unknown reaction kind; allowed: ${allowed.join(', ')}`, { allowed });
  }
  return kind;
};

/** A documentId as the path or a list carries it; anything else cannot name a document. */
export const isDocumentId = (value: unknown): boolean =>
  typeof value === 'string' && DOCUMENT_ID_PATTERN.test(value);

/**
 * `documentIds=a,b,c` (or repeated `documentIds`), at most 100, order kept, duplicates dropped.
 * Strings that cannot be a documentId name no document: like unknown ids, they are left out.
 */
export const parseDocumentIds = (raw: unknown): string[] => {
  const values = (Array.isArray(raw) ? raw : [raw]).filter((value) => value !== undefined);
  if (values.length === 0 || values.some((value) => typeof value !== 'string')) {
    throw new errors.ValidationError('documentIds is required: a comma-separated list of documentIds');
  }
  return checkedIds((values as string[]).flatMap((value) => value.split(',')));
};

/** A list of ids as GraphQL passes it: each element is one id. */
export const checkedIds = (ids: string[]): string[] => {
  const unique = [...new Set(ids.map((value) => value.trim()).filter((value) => value.length > 0))];
  if (unique.length > MAX_BATCH_IDS) {
    throw new errors.ValidationError(`At most ${MAX_BATCH_IDS} documentIds at once`, { max: MAX_BATCH_IDS, received: unique.length });
  }
  return unique.filter(isDocumentId);
};
