import type { Core } from '@strapi/strapi';
import { configureContentManager } from './admin-views';
import { grantReaderPermissions } from './permissions';
import { keepPluginRoutesFirst } from './route-precedence';
import { registerUserDeletion } from './user-deletion';
import { getService } from './utils/services';

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
