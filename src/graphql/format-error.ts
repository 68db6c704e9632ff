/**
 * Apollo's formatError for this project (config/plugins.ts): Strapi's own formatting (extensions.error with name,
 * message, details) plus the HTTP status REST would answer with, so GraphQL clients can branch
 * on `extensions.error.status` exactly as REST clients branch on the response status.
 */
import { errors as strapiErrors } from '@strapi/utils';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { STATUS_BY_ERROR_NAME } from '../plugins/reactions/shared/contract';
import { asClientError } from '../utils/client-errors';

const STATUS_BY_NAME: Record<string, number> = { ...STATUS_BY_ERROR_NAME, NotImplementedError: 501 };

const CLIENT_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

const codeOf = (name: string) => `STRAPI_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;

export const formatGraphqlError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
  const unwrapped = unwrapResolverError(error);
  const original = (asClientError(unwrapped) ?? unwrapped) as Error & { status?: number; details?: unknown };

  if (original instanceof strapiErrors.ApplicationError || original instanceof strapiErrors.HttpError) {
    const name = original.name || 'ApplicationError';
    const httpStatus = (original as { status?: unknown }).status;
    const status = STATUS_BY_NAME[name] ?? (typeof httpStatus === 'number' ? httpStatus : 400);
    const code =
      name === 'ValidationError' ? 'BAD_USER_INPUT' : status === 401 || status === 403 ? 'FORBIDDEN' : codeOf(name);
    return {
      ...formatted,
      message: original.message,
      extensions: {
        ...formatted.extensions,
        code,
        error: { status, name, message: original.message, details: original.details ?? {} },
      },
    };
  }

  const code = String(formatted.extensions?.code ?? '');
  if (CLIENT_ERROR_CODES.has(code) || (original instanceof GraphQLError && !original.originalError)) {
    // Query syntax, unknown fields, bad enum values, depth and cost limits: the client's mistake, a 400 over REST.
    // (graphql-armor's limits prefix their messages with "Syntax Error", which they are not.)
    const message = code === 'GRAPHQL_VALIDATION_FAILED' ? formatted.message.replace(/^Syntax Error: /, '') : formatted.message;
    return {
      ...formatted,
      message,
      extensions: {
        ...formatted.extensions,
        code: code || 'BAD_USER_INPUT',
        error: { status: 400, name: 'ValidationError', message, details: {} },
      },
    };
  }

  // Anything else is ours: log it and leak nothing.
  strapi.log.error(original);
  return {
    message: 'Internal Server Error',
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      error: { status: 500, name: 'InternalServerError', message: 'Internal Server Error', details: {} },
    },
  };
};
