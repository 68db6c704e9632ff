/**
 * The plugin's own admin actions, shown in Settings → Roles → Plugins, registered the way
 * Strapi's own plugins register theirs (content-releases, in register, so the Super Admin
 * receives them when the admin resets its permissions at start):
 * - read analytics (the Reactions page and its exports);
 * - change reaction settings (close a story, choose the kinds it offers);
 * - moderate (delete readers' reactions in the Content Manager).
 * Strapi's seeded Editor and Author roles receive them once, the first time the plugin sees
 * those roles (Authors: analytics and settings, still limited per document by their Content
 * Manager conditions); an admin's later choices are never overwritten.
 */
import type { Core } from '@strapi/strapi';
import { ADMIN_ACTIONS, PLUGIN_ID } from '../../../shared/contract';

const ACTIONS = [
  { section: 'plugins', displayName: 'Read analytics', uid: 'analytics.read', pluginName: PLUGIN_ID },
  { section: 'plugins', displayName: 'Change reaction settings', uid: 'settings.update', pluginName: PLUGIN_ID },
  { section: 'plugins', displayName: 'Moderate reactions', uid: 'moderate', pluginName: PLUGIN_ID },
];

const WRAPPED = Symbol.for('strapi-plugin-reader-reactions.admin-bootstrap');

/** Plugin store key: the seeded role codes already granted. */
const GRANTED_KEY = 'admin-actions-granted';
const SEEDED_ROLES: Record<string, string[]> = {
  'strapi-editor': Object.values(ADMIN_ACTIONS),
  'strapi-author': [ADMIN_ACTIONS.readAnalytics, ADMIN_ACTIONS.changeSettings],
};

type ActionProvider = { registerMany: (actions: unknown[]) => Promise<void> };
type RoleService = { addPermissions: (roleId: number, permissions: unknown[]) => Promise<unknown> };

export const registerAdminActions = async (strapi: Core.Strapi) => {
  const permissions = strapi.service('admin::permission') as unknown as { actionProvider: ActionProvider };
  await permissions.actionProvider.registerMany(ACTIONS);
};

const grantOnce = async (strapi: Core.Strapi) => {
  const store = strapi.store({ type: 'plugin', name: PLUGIN_ID });
  const done = new Set(((await store.get({ key: GRANTED_KEY })) as string[] | null) ?? []);
  const roles = (await strapi.db
    .query('admin::role')
    .findMany({ where: { code: { $in: Object.keys(SEEDED_ROLES) } }, select: ['id', 'code'] })) as Array<{ id: number; code: string }>;
  const fresh = roles.filter((role) => !done.has(role.code));
  if (fresh.length === 0) return;
  const roleService = strapi.service('admin::role') as unknown as RoleService;
  for (const role of fresh) {
    await roleService.addPermissions(
      role.id,
      SEEDED_ROLES[role.code].map((action) => ({ action, subject: null, properties: {}, conditions: [] }))
    );
  }
  await store.set({ key: GRANTED_KEY, value: [...done, ...fresh.map((role) => role.code)] });
};

type AdminModule = { bootstrap: (args: { strapi: Core.Strapi }) => Promise<void>; [WRAPPED]?: true };

/**
 * Register phase: the grant runs right after the admin's own bootstrap, which creates the seeded
 * roles on a new database and runs after every plugin's bootstrap. The admin module is shared by
 * every Strapi instance of the process, so it is wrapped once and grants for the instance that
 * bootstraps, when that instance runs this plugin.
 */
export const grantAdminActionsAfterAdminBootstrap = (strapi: Core.Strapi) => {
  const admin = strapi.get('admin') as AdminModule | undefined;
  if (!admin || admin[WRAPPED]) return;
  const bootstrap = admin.bootstrap.bind(admin);
  admin.bootstrap = async (args) => {
    await bootstrap(args);
    if (args.strapi.plugin(PLUGIN_ID)) await grantOnce(args.strapi);
  };
  admin[WRAPPED] = true;
};
