/**
 * Database errors can quote the row they failed on (PostgreSQL's "Key (...)=(...)" details, a
 * trigger's message), and Strapi logs unexpected errors whole. Before such an error leaves the
 * reactions service, every reader secret in it (reader key, reactor token) is replaced, and the
 * driver's row details and bindings are dropped, so no log line carries a reader's identity.
 */
import { errors } from '@strapi/utils';

const REDACTED = '[reader]';

export const redactReaderSecrets = (error: unknown, secrets: Array<string | null | undefined>): unknown => {
  // Errors meant for the client never quote stored rows.
  if (error instanceof errors.ApplicationError || error instanceof errors.HttpError) return error;
  const known = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
  const scrub = (text: unknown) =>
    known.reduce((result, secret) => result.split(secret).join(REDACTED), typeof text === 'string' ? text : '');
  const original = error instanceof Error ? error : new Error(String(error));
  const redacted = new Error(scrub(original.message));
  redacted.name = original.name;
  redacted.stack = scrub(original.stack);
  const code = (original as { code?: unknown }).code;
  if (code !== undefined) Object.assign(redacted, { code });
  return redacted;
};
