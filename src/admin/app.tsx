/**
 * Admin panel customisations: editors see and moderate reactions in the Content Manager.
 * - Edit view of every reaction target: a side panel with the document's tally.
 * - List view of every reaction target: a "Reactions" column (total and leading kind), one
 *   request per page.
 * - Reaction collection: read-only, no create button; delete stays (spam).
 * Targets and kinds come from config/reactions.ts through the admin routes
 * (src/api/reaction/admin-routes.ts); src/bootstrap/content-manager.ts flags the targets.
 */
import type { StrapiApp } from '@strapi/strapi/admin';
import type { ContentManagerPlugin } from '@strapi/content-manager/strapi-admin';
import { addReactionsColumn } from './reactions/ListColumn';
import { ReactionsPanel } from './reactions/TallyPanel';
import { reactionsReadOnly } from './reactions/read-only';

type BootstrapApp = Pick<StrapiApp, 'getPlugin' | 'registerHook'>;

export default {
  config: {
    locales: [],
  },
  register(app: StrapiApp) {
    app.addRBACMiddleware(reactionsReadOnly);
  },
  bootstrap(app: BootstrapApp) {
    const apis = app.getPlugin('content-manager').apis as ContentManagerPlugin['config']['apis'];
    apis.addEditViewSidePanel([ReactionsPanel]);
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', addReactionsColumn);
  },
};
