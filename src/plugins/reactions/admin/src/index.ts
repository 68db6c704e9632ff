/**
 * The plugin's admin part: editors see and moderate reactions in the Content Manager.
 * - Edit view of every reaction target: a side panel with the document's tally.
 * - List view of every reaction target: a "Reactions" column (total and leading kind), one
 *   request per page.
 * - Reaction collection: read-only, no create button; delete stays (spam).
 * Targets and kinds come from the plugin's config through its admin routes
 * (server/src/controllers/admin.ts); server/src/bootstrap/admin-views.ts flags the targets.
 */
import type { StrapiApp } from '@strapi/strapi/admin';
import type { ContentManagerPlugin } from '@strapi/content-manager/strapi-admin';
import { ADMIN_ACTIONS, PLUGIN_ID } from '../../shared/contract';
import { addReactionsColumn } from './components/ReactionsColumn';
import { ReactionsPanel } from './components/ReactionsPanel';
import { reactionsReadOnly } from './read-only';
import { ChartBubble } from '@strapi/icons';

type MenuPermissions = Parameters<StrapiApp['addMenuLink']>[0]['permissions'];

/** What a plugin's bootstrap is given (StrapiApp.bootstrap), not the whole app as in register. */
type BootstrapApp = Pick<StrapiApp, 'getPlugin' | 'registerHook'>;

export default {
  register(app: StrapiApp) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'Reactions' });
    app.addRBACMiddleware(reactionsReadOnly);
    // Admins with the plugin's "Read analytics" action see the page; each target's data (and each
    // document's title) is checked on the server against their Content Manager permissions.
    const readSomething = [{ action: ADMIN_ACTIONS.readAnalytics, subject: null }] as unknown as MenuPermissions;
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: ChartBubble,
      intlLabel: { id: `${PLUGIN_ID}.menu.analytics`, defaultMessage: 'Reactions' },
      permissions: readSomething,
      Component: () => import('./pages/AnalyticsPage'),
    });
    // Strapi 5.54's homepage widgets (app.widgets), when present.
    app.widgets?.register({
      id: 'reactions-today',
      pluginId: PLUGIN_ID,
      icon: ChartBubble,
      title: { id: `${PLUGIN_ID}.widget.today`, defaultMessage: 'Reactions today' },
      link: { label: { id: `${PLUGIN_ID}.widget.today.link`, defaultMessage: 'See all reactions' }, href: `/plugins/${PLUGIN_ID}` },
      component: async () => (await import('./components/ReactionsTodayWidget')).default,
      permissions: readSomething,
    });
  },
  bootstrap(app: BootstrapApp) {
    const apis = app.getPlugin('content-manager').apis as ContentManagerPlugin['config']['apis'];
    apis.addEditViewSidePanel([ReactionsPanel]);
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', addReactionsColumn);
  },
};
