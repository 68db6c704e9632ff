import type { Core } from '@strapi/strapi';
import { getService } from './utils/services';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'limits').close();
  getService(strapi, 'stream').closeAll();
  await getService(strapi, 'changes').stop();
};
