/**
 * Development convenience: creates the first admin user from ADMIN_EMAIL / ADMIN_PASSWORD
 * when the database has none, so a newcomer (and the browser tests) can log in at once.
 * Never in production.
 */
import type { Core } from '@strapi/strapi';

export const createFirstAdmin = async (strapi: Core.Strapi) => {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password || process.env.NODE_ENV === 'production') return;
  const admins = await strapi.db.query('admin::user').count();
  if (admins > 0) return;
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  if (!superAdmin) return;
  await strapi.service('admin::user').create({
    email: email.toLowerCase(),
    password,
    firstname: process.env.ADMIN_FIRSTNAME || 'Editor',
    lastname: process.env.ADMIN_LASTNAME || 'Admin',
    isActive: true,
    registrationToken: null,
    roles: [superAdmin.id],
  });
  strapi.log.info(`Created the first admin user ${email} from ADMIN_EMAIL.`);
};
