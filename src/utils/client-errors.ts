/**
 * Which low-level errors are really the client's mistake. Strapi lets a few malformed query
 * parameters through its validation that only fail in the query builder or the database; they
 * must answer 400, not 500. Used by the REST middleware and the GraphQL error formatter alike.
 */
import { errors } from '@strapi/utils';

const QUERY_MISTAKES = [
  /Attribute .* not found on model/i,
  /can only be used as root level operators/i,
  /Undefined attribute level operator/i,
  /no such column/i,
  /Invalid (sort|populate|fields|filters|pagination|status|locale)/i,
];

// PostgreSQL: class 22 is "data exception" (bad text for a number or date, a NUL byte, a value
// too long...), 42703 an unknown column, 42804/42883 a type mismatch: all from client input.
const isClientDatabaseError = (code: unknown) =>
  typeof code === 'string' && (/^22[0-9A-Z]{3}$/.test(code) || ['42703', '42804', '42883'].includes(code));

// A body that claims a compression it does not have (zlib's Z_* and brotli's ERR__ERROR_* codes), or a multipart body without a
// boundary (formidable reports httpCode 400): the client's mistake, found while reading it.
const isBadBodyError = (code: unknown, httpCode: unknown) =>
  (typeof code === 'string' && /^(Z_[A-Z_]+|ERR__ERROR_[A-Z0-9_]+)$/.test(code)) ||
  (typeof httpCode === 'number' && httpCode >= 400 && httpCode < 500);

export const asClientError = (error: unknown): InstanceType<typeof errors.ValidationError> | null => {
  // Duck-typed: a native driver's error class may not share this realm's Error.
  if (typeof error !== 'object' || error === null || error instanceof errors.ApplicationError) return null;
  const { status, code, message, httpCode } = error as { status?: unknown; code?: unknown; message?: unknown; httpCode?: unknown };
  if (isBadBodyError(code, httpCode)) return new errors.ValidationError('The request body could not be read');
  if (status || typeof message !== 'string') return null;
  if (QUERY_MISTAKES.some((pattern) => pattern.test(message)) || isClientDatabaseError(code)) {
    return new errors.ValidationError('Invalid query parameters or values');
  }
  return null;
};
