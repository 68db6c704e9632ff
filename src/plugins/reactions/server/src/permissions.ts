/**
 * Readers' permissions, granted on every start so a fresh database works at once: the public
 * and authenticated roles may call the reaction endpoints and read the published targets they
 * react to. Nobody on the content API may touch raw Reaction rows: no such routes exist.
 * Without users-permissions there are no roles to grant, and nothing to do.
 */
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../shared/contract';
import { getTargets } from './utils/settings';

const REACTION_ACTIONS = ['tally', 'set', 'clear', 'tallies', 'kinds'].map((name) => `plugin::${PLUGIN_ID}.reactions.${name}`);
// A reader's own reactions: identity is checked by the controller (401 where one is needed).
const OWN_REACTION_ACTIONS = ['find', 'forget', 'claim'].map((name) => `plugin::${PLUGIN_ID}.mine.${name}`);

const readerActions = (strapi: Core.Strapi): string[] => [
  ...REACTION_ACTIONS,
  ...OWN_REACTION_ACTIONS,
  `plugin::${PLUGIN_ID}.trends.find`,
  ...getTargets(strapi).flatMap((target) => [`${target.uid}.find`, `${target.uid}.findOne`]),
];

export const grantReaderPermissions = async (strapi: Core.Strapi) => {
  if (!strapi.plugin('users-permissions')) return;
  const roles = await strapi.db
    .query('plugin::users-permissions.role')
    .findMany({ where: { type: { $in: ['public', 'authenticated'] } }, select: ['id', 'type'] });
  const permissions = strapi.db.query('plugin::users-permissions.permission');
  for (const role of roles) {
    const existing = await permissions.findMany({ where: { role: role.id }, select: ['action'] });
    const granted = new Set(existing.map((permission: { action: string }) => permission.action));
    // One at a time: parallel writes would contend for SQLite's single writer.
    for (const action of readerActions(strapi)) {
      if (!granted.has(action)) await permissions.create({ data: { action, role: role.id } });
    }
  }
};
