/**
 * Runs code the plugin does not own (event listeners, change feed subscribers) or work that must
 * not fail the caller (announcements after a commit): a throw or a rejection is logged, never
 * passed on, so one faulty listener can neither fail a write that already committed nor reject
 * unhandled and stop the process. The line names what failed and the error's own message only:
 * nothing the plugin adds to it identifies a reader.
 */
import type { Core } from '@strapi/strapi';

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';

export const logFailure = (strapi: Core.Strapi, what: string, error: unknown): void => {
  strapi.log.error(`Reactions: ${what} failed (${describe(error)})`);
};

export const runLogged = (strapi: Core.Strapi, what: string, work: () => unknown): void => {
  try {
    const result = work();
    // Any thenable: a listener's promise may come from another realm (a VM, a test sandbox).
    if (isThenable(result)) result.then(undefined, (error: unknown) => logFailure(strapi, what, error));
  } catch (error) {
    logFailure(strapi, what, error);
  }
};
