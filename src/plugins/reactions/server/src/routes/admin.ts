/** Admin-panel routes, served under /reactions to signed-in admins only. */
const adminOnly = { policies: ['admin::isAuthenticatedAdmin'] };

export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/settings', handler: 'admin.settings', config: adminOnly },
    { method: 'GET', path: '/tallies', handler: 'admin.tallies', config: adminOnly },
    { method: 'PUT', path: '/settings/:uid/:documentId', handler: 'editorial.update', config: adminOnly },
    { method: 'GET', path: '/analytics/top', handler: 'analytics.top', config: adminOnly },
    { method: 'GET', path: '/analytics/series', handler: 'analytics.series', config: adminOnly },
    { method: 'GET', path: '/analytics/export', handler: 'analytics.csv', config: adminOnly },
  ],
};
