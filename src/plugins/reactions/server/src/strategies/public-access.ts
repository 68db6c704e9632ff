/**
 * Content-API auth for the plugin's routes, without a database read per anonymous request.
 *
 * Strapi's users-permissions strategy loads the public role's permissions and builds an ability
 * on every request that has no Authorization header. For a tally read answered from memory that
 * work is most of the request, so this strategy keeps the public ability and rebuilds it when
 * a users-permissions permission or role changes on this instance, and at least every
 * `PUBLIC_ABILITY_TTL_MS` of the plugin's clock (changes made through another instance; tests
 * hold the clock to keep the refresh out of what they measure). The rules are Strapi's:
 * a route is allowed when the public role holds its action, as users-permissions decides.
 *
 * A request with an Authorization header is left to Strapi's own strategies (API tokens, then
 * users-permissions JWTs), which the routes name after this one.
 *
 * Without users-permissions there are no roles to ask: the plugin's reader actions are public
 * (and only they), so a project that has not installed it still works on its first start.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { PLUGIN_ID } from '../../../shared/contract';
import { READER_ACTIONS } from '../bootstrap/permissions';
import { createListeners } from '../utils/listeners';
import { getService } from '../utils/services';

export const PUBLIC_ACCESS_STRATEGY = 'reactions-public-access';
/** How long another instance's change to the public role may take to apply here. */
export const PUBLIC_ABILITY_TTL_MS = 1000;

type Ability = { can: (action: string) => boolean };
type Auth = { ability: Ability | null; credentials: unknown };

/**
 * A plugin route's auth: this strategy for anonymous requests, then Strapi's own. A new object
 * per route, because Strapi writes each route's permission scope into it.
 */
export const pluginRouteAuth = () => ({ strategies: [PUBLIC_ACCESS_STRATEGY, 'content-api-token', 'users-permissions'] });

export const createPublicAccessStrategy = (strapi: Core.Strapi, now: () => number = Date.now) => {
  const graphqlPath = String(strapi.config.get('plugin::graphql.endpoint', '/graphql')).toLowerCase();
  const isPluginRequest = (ctx: Context) => {
    const info = (ctx.state?.route as { info?: { pluginName?: string } } | undefined)?.info;
    if (info?.pluginName === PLUGIN_ID) return true;
    return Boolean(info && !info.pluginName && strapi.plugin('graphql') && ctx.path.toLowerCase() === graphqlPath);
  };
  let cached: { ability: Ability | null; at: number } | null = null;
  let building: Promise<Ability | null> | null = null;
  // Bumped by every change: a rebuild that began before one is not kept.
  let generation = 0;

  const build = async (): Promise<Ability | null> => {
    const permissions = strapi.plugin('users-permissions')?.service('permission');
    const found = permissions
      ? ((await permissions.findPublicPermissions()) as Array<{ action: string }>)
      : READER_ACTIONS.map((action) => ({ action }));
    if (found.length === 0) return null;
    const engine = strapi.contentAPI.permissions.engine as unknown as { generateAbility: (p: Array<{ action: string }>) => Promise<Ability> };
    return engine.generateAbility(found.map(({ action }) => ({ action })));
  };

  const publicAbility = async (): Promise<Ability | null> => {
    if (cached && now() - cached.at < PUBLIC_ABILITY_TTL_MS) return cached.ability;
    // One rebuild at a time; concurrent requests share it.
    if (!building) {
      const startedAt = now();
      const startedIn = generation;
      building = build()
        .then((ability) => {
          if (startedIn === generation) cached = { ability, at: startedAt };
          return ability;
        })
        .finally(() => {
          building = null;
        });
    }
    return building;
  };

  const listeners = createListeners();

  return {
    name: PUBLIC_ACCESS_STRATEGY,
    /** Forgets the public ability (a permission or role changed), and tells those who follow it. */
    invalidate() {
      generation += 1;
      cached = null;
      building = null;
      listeners.notify();
    },
    /** Called after each change to a role or permission on this instance; returns the unsubscribe function. */
    onInvalidate: listeners.add,
    /**
     * Whether the public role holds `action` now (kept ability; no read within its TTL). Without
     * users-permissions every reader route is public, so nothing can be revoked.
     */
    async publicMay(action: string): Promise<boolean> {
      if (!strapi.plugin('users-permissions')) return true;
      const ability = await publicAbility();
      return Boolean(ability?.can(action));
    },
    async authenticate(ctx: Context) {
      // The host's own routes are left to the host's strategies (Strapi offers every registered
      // one to every route); GraphQL authenticates the whole request, the plugin's fields included.
      if (!isPluginRequest(ctx)) return { authenticated: false };
      if (ctx.get('authorization')) return { authenticated: false };
      const ability = await publicAbility();
      return ability ? { authenticated: true, credentials: null, ability } : { authenticated: false };
    },
    /** As users-permissions verifies an anonymous request: every scope must be granted to the public role. */
    verify(auth: Auth, config: { scope?: string | string[] }) {
      if (!config.scope || !auth.ability) throw new errors.UnauthorizedError();
      const scopes = Array.isArray(config.scope) ? config.scope : [config.scope];
      if (!scopes.every((scope) => auth.ability?.can(scope))) throw new errors.ForbiddenError();
    },
  };
};

const WATCHED = ['plugin::users-permissions.permission', 'plugin::users-permissions.role'];
const CHANGES = ['afterCreate', 'afterCreateMany', 'afterUpdate', 'afterUpdateMany', 'afterDelete', 'afterDeleteMany'];

export type PublicAccess = ReturnType<typeof createPublicAccessStrategy>;
/** Per Strapi instance (tests boot several in one process). */
const registered = new WeakMap<Core.Strapi, PublicAccess>();

/** This instance's strategy: the live stream re-checks open streams with it. */
export const publicAccessOf = (strapi: Core.Strapi): PublicAccess | undefined => registered.get(strapi);

/** Registers the strategy for content-API routes, and forgets its ability whenever a role or permission changes here. */
export const registerPublicAccess = (strapi: Core.Strapi) => {
  const strategy = createPublicAccessStrategy(strapi, () => getService(strapi, 'clock').now().getTime());
  registered.set(strapi, strategy);
  strapi.get('auth').register('content-api', strategy);
  if (!strapi.plugin('users-permissions')) return;
  const invalidate = () => strategy.invalidate();
  strapi.db.lifecycles.subscribe({
    models: WATCHED,
    ...Object.fromEntries(CHANGES.map((name) => [name, invalidate])),
  } as unknown as Parameters<typeof strapi.db.lifecycles.subscribe>[0]);
};
