import type { Core } from '@strapi/strapi';
import { registerDemoPage } from './demo-page';
import { createFirstAdmin } from './bootstrap/first-admin';
import { grantPublicReads } from './bootstrap/public-reads';
import { seedSampleContent, shouldSeed } from './bootstrap/seed';

/**
 * The newsroom app's own start-up. Reactions are the `reactions` plugin (src/plugins/reactions,
 * enabled in config/plugins.ts); the app keeps its content types, the demo page, the first admin
 * and the sample newsroom, and decides that its published stories are public (public-reads.ts).
 */
export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    registerDemoPage(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await grantPublicReads(strapi);
    await createFirstAdmin(strapi);
    if (shouldSeed(strapi)) await seedSampleContent(strapi);
  },
};
