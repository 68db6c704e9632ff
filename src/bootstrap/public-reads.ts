/**
 * The newsroom's choice, not the reactions plugin's: published articles and videos are public.
 * Public and Authenticated may `find` and `findOne` them, granted once on the first start (as
 * users-permissions seeds its own defaults) and remembered, so an admin's later revocation stands.
 */
import type { Core } from '@strapi/strapi';

const READ_ACTIONS = ['api::article.article', 'api::video.video'].flatMap((uid) => [`${uid}.find`, `${uid}.findOne`]);
const ROLE_TYPES = ['public', 'authenticated'];

export const grantPublicReads = async (strapi: Core.Strapi) => {
  if (!strapi.plugin('users-permissions')) return;
  const store = strapi.store({ type: 'core', name: 'newsroom' });
  if (await store.get({ key: 'public-reads-granted' })) return;
  const roles = (await strapi.db
    .query('plugin::users-permissions.role')
    .findMany({ where: { type: { $in: ROLE_TYPES } }, select: ['id'] })) as Array<{ id: number }>;
  const permissions = strapi.db.query('plugin::users-permissions.permission');
  for (const role of roles) {
    const held = new Set(((await permissions.findMany({ where: { role: role.id }, select: ['action'] })) as Array<{ action: string }>).map((p) => p.action));
    for (const action of READ_ACTIONS) if (!held.has(action)) await permissions.create({ data: { action, role: role.id } });
  }
  if (roles.length > 0) await store.set({ key: 'public-reads-granted', value: true });
};
