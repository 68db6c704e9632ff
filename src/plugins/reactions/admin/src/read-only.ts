/**
 * Nobody creates or edits reactions by hand in the admin panel (that would falsify counts):
 * this RBAC middleware withholds the Content Manager's create and update rights on Reaction from
 * every admin, super admins included, so the list has no "Create new entry" button and the edit
 * view is read-only. Delete stays, for spam. The server refuses such writes on its own as well
 * (server/src/bootstrap/document-lifecycle.ts); this only keeps the UI honest.
 */
import type { RBACMiddleware } from '@strapi/strapi/admin';
import { REACTION_UID } from '../../shared/contract';

const WITHHELD_ACTIONS = new Set(['plugin::content-manager.explorer.create', 'plugin::content-manager.explorer.update']);

export const reactionsReadOnly: RBACMiddleware = () => (next) => (permissions) =>
  next(permissions.filter((permission) => !(permission.subject === REACTION_UID && WITHHELD_ACTIONS.has(permission.action))));
