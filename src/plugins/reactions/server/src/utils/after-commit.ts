/**
 * Work that must only follow committed changes (events, cache invalidation, the change feed):
 * it runs once the surrounding transaction commits, at once when there is none, and never when
 * the transaction rolls back. Failures are logged (run-logged.ts), never thrown: the commit has
 * happened, and Strapi runs commit callbacks synchronously, so a throw there would reach the
 * caller of a transaction that succeeded.
 */
import type { Core } from '@strapi/strapi';
import { logFailure, runLogged } from './run-logged';

export const afterCommit = (strapi: Core.Strapi, what: string, work: () => unknown): void => {
  const run = () => runLogged(strapi, what, work);
  if (!strapi.db.inTransaction()) {
    run();
    return;
  }
  // A nested strapi.db.transaction joins the caller's and registers the callback before it
  // returns (no await on that path); Strapi runs commit callbacks after the outermost commit
  // and forgets them on rollback.
  strapi.db
    .transaction(({ onCommit }) => {
      onCommit(run);
    })
    .catch((error: unknown) => logFailure(strapi, what, error));
};
