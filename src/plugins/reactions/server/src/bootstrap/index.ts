/**
 * The bootstrap phase: the schema is synced and every plugin registered, so services load their
 * state and each start-up chore (one per file in this folder) runs once. Order matters only where
 * noted: secrets before anything reads a reader, routes reordered before the server mounts them.
 */
import type { Core } from '@strapi/strapi';
import { configureContentManager } from './admin-views';
import { grantReaderPermissions } from './permissions';
import { keepPluginRoutesFirst } from '../extensions/route-precedence';
import { registerUserDeletion } from './user-deletion';
import { getService } from '../utils/services';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'readers').loadSecrets();
  keepPluginRoutesFirst(strapi);
  getService(strapi, 'events').registerWebhookEvents();
  await getService(strapi, 'limits').init();
  await getService(strapi, 'changes').start();
  await grantReaderPermissions(strapi);
  await configureContentManager(strapi);
  registerUserDeletion(strapi);
};
