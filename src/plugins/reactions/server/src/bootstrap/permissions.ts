/**
 * Readers' permissions, as users-permissions seeds its own: once, the first time the plugin sees
 * the Public and Authenticated roles, and never again, so an admin's revocation survives every
 * restart. Only the plugin's own reader actions are granted; the host's content types are the
 * host's business (a start-up warning names each target the Public role cannot `find`).
 *
 * Order matters on a new database: users-permissions creates its roles and seeds its default
 * permissions in its own bootstrap, and seeds only while its permission table is empty. Whatever
 * the plugin order, the grant runs right after that bootstrap (the plugin wraps it at register),
 * so the roles exist and the host's defaults are seeded first.
 */
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../shared/contract';
import { getTargets } from '../utils/settings';

const REACTION_ACTIONS = ['tally', 'set', 'clear', 'tallies', 'kinds'].map((name) => `plugin::${PLUGIN_ID}.reactions.${name}`);
// A reader's own reactions: identity is checked by the controller (401 where one is needed).
const OWN_REACTION_ACTIONS = ['find', 'forget', 'claim'].map((name) => `plugin::${PLUGIN_ID}.mine.${name}`);

/** The plugin's reader actions: what Public and Authenticated are granted, once. */
export const READER_ACTIONS = [...REACTION_ACTIONS, ...OWN_REACTION_ACTIONS, `plugin::${PLUGIN_ID}.trends.find`];

/** Plugin store key: the role types already granted (never granted again). */
const GRANTED_KEY = 'reader-permissions-granted';
const ROLE_TYPES = ['public', 'authenticated'];
const USERS_PERMISSIONS_MODULE = 'plugin::users-permissions';

type Role = { id: number; type: string };
type Module = { bootstrap: () => Promise<void> };

const pluginStore = (strapi: Core.Strapi) => strapi.store({ type: 'plugin', name: PLUGIN_ID });

const grantOnce = async (strapi: Core.Strapi) => {
  const store = pluginStore(strapi);
  const done = new Set(((await store.get({ key: GRANTED_KEY })) as string[] | null) ?? []);
  const roles = (await strapi.db
    .query('plugin::users-permissions.role')
    .findMany({ where: { type: { $in: ROLE_TYPES } }, select: ['id', 'type'] })) as Role[];
  const permissions = strapi.db.query('plugin::users-permissions.permission');
  const fresh = roles.filter((role) => !done.has(role.type));
  for (const role of fresh) {
    const existing = (await permissions.findMany({ where: { role: role.id }, select: ['action'] })) as Array<{ action: string }>;
    const held = new Set(existing.map((permission) => permission.action));
    // One at a time: parallel writes would contend for SQLite's single writer.
    for (const action of READER_ACTIONS) {
      if (!held.has(action)) await permissions.create({ data: { action, role: role.id } });
    }
    done.add(role.type);
  }
  if (fresh.length > 0) await store.set({ key: GRANTED_KEY, value: [...done].sort() });
};

/** Names each target whose published documents the Public role cannot list: tallies are embedded there. */
const warnAboutUnreadableTargets = async (strapi: Core.Strapi) => {
  const publicRole = (await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' }, select: ['id'] })) as Role | null;
  if (!publicRole) return;
  for (const target of getTargets(strapi)) {
    const action = `${target.uid}.find`;
    const held = await strapi.db.query('plugin::users-permissions.permission').count({ where: { role: publicRole.id, action } });
    if (held === 0) {
      strapi.log.warn(
        `Reactions: the Public role may not find ${target.uid}; readers can react, but lists of it stay private. ` +
          `Grant "find" and "findOne" in Settings → Users & Permissions → Roles → Public if its documents are public.`
      );
    }
  }
};

/** Per Strapi instance (tests boot several in one process): whether users-permissions has bootstrapped, and what waits for it. */
const followers = new WeakMap<Core.Strapi, { ready: boolean; waiting: Array<() => Promise<void>> }>();

/**
 * Register phase (before any bootstrap): runs queued work right after users-permissions' own
 * bootstrap, whichever order the plugins are listed in.
 */
export const followUsersPermissionsBootstrap = (strapi: Core.Strapi) => {
  const usersPermissions = (strapi.get('modules') as { get: (uid: string) => Module | undefined }).get(USERS_PERMISSIONS_MODULE);
  if (!usersPermissions) return;
  const state = { ready: false, waiting: [] as Array<() => Promise<void>> };
  followers.set(strapi, state);
  const bootstrap = usersPermissions.bootstrap.bind(usersPermissions);
  usersPermissions.bootstrap = async () => {
    await bootstrap();
    state.ready = true;
    for (const work of state.waiting.splice(0)) await work();
  };
};

const AFTER_APP = Symbol.for('strapi-plugin-reader-reactions.after-app-bootstrap');
type AppLifecycles = { bootstrap?: (args: { strapi: Core.Strapi }) => unknown; [AFTER_APP]?: true };
/** Instances whose project bootstrap (src/index) gives the warning, once it has run. */
const warnedAfterApp = new WeakSet<Core.Strapi>();

/**
 * Register phase: the warning about targets Public cannot find waits for the project's own
 * bootstrap, which runs last and may grant those reads itself (the newsroom does). The project's
 * src/index module is shared by every Strapi instance of the process: wrapped once, it warns for
 * the instance that bootstraps.
 */
export const warnAfterProjectBootstrap = (strapi: Core.Strapi) => {
  const app = (strapi as unknown as { app?: AppLifecycles }).app;
  if (!app) return;
  warnedAfterApp.add(strapi);
  if (app[AFTER_APP]) return;
  const own = app.bootstrap;
  app.bootstrap = async (args) => {
    await own?.call(app, args);
    if (args.strapi.plugin(PLUGIN_ID) && args.strapi.plugin('users-permissions')) await warnAboutUnreadableTargets(args.strapi);
  };
  app[AFTER_APP] = true;
};

/** Bootstrap: grants the plugin's reader actions once (now, or right after users-permissions' bootstrap). */
export const grantReaderPermissions = async (strapi: Core.Strapi) => {
  if (!strapi.plugin('users-permissions')) return;
  const work = async () => {
    await grantOnce(strapi);
    if (!warnedAfterApp.has(strapi)) await warnAboutUnreadableTargets(strapi);
  };
  const state = followers.get(strapi);
  if (!state || state.ready) await work();
  else state.waiting.push(work);
};
