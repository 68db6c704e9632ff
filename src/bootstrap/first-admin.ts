/**
 * Development convenience: creates the first admin user from ADMIN_EMAIL / ADMIN_PASSWORD
 * when the database has no admin yet, so a newcomer (and the browser test) can log in at once.
 *
 * ADMIN_CREATE_ON_START decides where it may happen:
 * - unset (default): whenever NODE_ENV is not `production`;
 * - `true`: in any environment, e.g. a throwaway CI or staging server started with `strapi start`;
 * - `false`: never.
 * It never touches a database that already has an admin, and it refuses a weak password
 * (Strapi's own rule: 8+ characters with a lowercase letter, an uppercase letter and a digit).
 */
import type { Core } from '@strapi/strapi';

export const isStrongAdminPassword = (password: string): boolean =>
  password.length >= 8 && password.length <= 72 && /[a-z]/.test(password) && /[A-Z]/.test(password) && /\d/.test(password);

export const mayCreateFirstAdmin = (env: NodeJS.ProcessEnv = process.env): boolean => {
  const flag = (env.ADMIN_CREATE_ON_START ?? '').trim().toLowerCase();
  if (flag === 'true') return true;
  if (flag === 'false') return false;
  return env.NODE_ENV !== 'production';
};

export const createFirstAdmin = async (strapi: Core.Strapi) => {
  const email = process.env.ADMIN_EMAIL?.trim();
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password || !mayCreateFirstAdmin()) return;
  const admins = await strapi.db.query('admin::user').count();
  if (admins > 0) return;
  if (!isStrongAdminPassword(password)) {
    strapi.log.warn('ADMIN_PASSWORD is too weak (8+ characters with a lowercase letter, an uppercase letter and a digit); no admin created.');
    return;
  }
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
