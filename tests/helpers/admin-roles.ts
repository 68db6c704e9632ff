/**
 * Admin roles and users made for a test, as a newsroom would set them up in Settings → Roles:
 * Content Manager actions on a type (with conditions and locales), plus plugin actions.
 */
import type { Core } from '@strapi/strapi';
import request from 'supertest';

export const ADMIN_PASSWORD = 'Editor-pass-2024';

type AdminUserService = { create: (data: Record<string, unknown>) => Promise<{ id: number }> };
type RoleService = {
  create: (data: Record<string, unknown>) => Promise<{ id: number }>;
  assignPermissions: (roleId: number, permissions: Array<Record<string, unknown>>) => Promise<unknown>;
};

export type RoleGrant = {
  /** Content Manager actions (`read`, `update`, `delete`) on `subject`. */
  explorer?: Array<{ action: string; conditions?: string[] }>;
  subject: string;
  fields?: string[];
  locales?: string[];
  /** Plugin actions without subject, e.g. ADMIN_ACTIONS.readAnalytics. */
  plugin?: string[];
};

export const createRole = async (strapi: Core.Strapi, name: string, grants: RoleGrant[]) => {
  const roles = strapi.service('admin::role') as unknown as RoleService;
  const role = await roles.create({ name, description: `${name} (test)` });
  const permissions = grants.flatMap(({ explorer = [], subject, fields, locales, plugin = [] }) => [
    ...explorer.map(({ action, conditions = [] }) => ({
      action: `plugin::content-manager.explorer.${action}`,
      subject,
      properties: { ...(fields ? { fields } : {}), ...(locales ? { locales } : {}) },
      conditions,
    })),
    ...plugin.map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
  ]);
  await roles.assignPermissions(role.id, permissions);
  return role.id;
};

/** Creates an active admin with that role and logs in over HTTP: its admin JWT and id. */
export const createAdmin = async (strapi: Core.Strapi, url: string, roleId: number, email: string) => {
  const user = await (strapi.service('admin::user') as unknown as AdminUserService).create({
    firstname: email.split('@')[0],
    lastname: 'Test',
    email,
    password: ADMIN_PASSWORD,
    isActive: true,
    roles: [roleId],
  });
  const login = await request(url).post('/admin/login').send({ email, password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`admin login ${email}: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: user.id, token: login.body.data.token as string };
};
