/**
 * Admin-panel routes, served under /reactions to signed-in admins only; analytics and settings
 * changes also need the plugin's own actions (bootstrap/admin-actions.ts), checked by Strapi's policy.
 */
import { ADMIN_ACTIONS } from '../../../shared/contract';

const adminOnly = { policies: ['admin::isAuthenticatedAdmin'] };
const needs = (action: string) => ({ policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }] });

export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/settings', handler: 'admin.settings', config: adminOnly },
    { method: 'GET', path: '/tallies', handler: 'admin.tallies', config: adminOnly },
    { method: 'PUT', path: '/settings/:uid/:documentId', handler: 'editorial.update', config: needs(ADMIN_ACTIONS.changeSettings) },
    { method: 'GET', path: '/analytics/top', handler: 'analytics.top', config: needs(ADMIN_ACTIONS.readAnalytics) },
    { method: 'GET', path: '/analytics/series', handler: 'analytics.series', config: needs(ADMIN_ACTIONS.readAnalytics) },
    { method: 'GET', path: '/analytics/export', handler: 'analytics.csv', config: needs(ADMIN_ACTIONS.readAnalytics) },
  ],
};
