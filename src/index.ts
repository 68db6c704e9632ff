import type { Core } from '@strapi/strapi';
import { registerTallyEmbedding } from './api/reaction/embed-tallies';
import { registerGraphql } from './api/reaction/graphql';
import { registerAdminRoutes } from './api/reaction/admin-routes';
import { registerHomePage } from './api/reaction/documentation/home-page';
import { registerDocumentRules } from './api/reaction/document-rules';
import { registerReactionEvents } from './api/reaction/events';
import { REACTION_UID, assertValidKinds, getKindKeys, getKinds } from './api/reaction/settings';
import { grantReaderPermissions } from './bootstrap/permissions';
import { createFirstAdmin } from './bootstrap/first-admin';
import { configureContentManager } from './bootstrap/content-manager';
import { seedSampleContent, shouldSeed } from './bootstrap/seed';

export default {
  /**
   * Runs before the database schema is synced: everything derived from config/reactions.ts
   * (the kind enum, routes, GraphQL types) is put in place here.
   */
  register({ strapi }: { strapi: Core.Strapi }) {
    assertValidKinds(getKinds(strapi));
    // The schema enum follows config; schema.json keeps a copy for the Content-Type Builder, checked by a test.
    const kind = strapi.contentType(REACTION_UID).attributes.kind as { enum: string[] };
    kind.enum = getKindKeys(strapi);

    registerTallyEmbedding(strapi);
    registerDocumentRules(strapi);
    registerAdminRoutes(strapi);
    registerHomePage(strapi);
    if (strapi.plugin('graphql')) registerGraphql(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    registerReactionEvents(strapi);
    await strapi.service('api::reaction.write-limit').init();
    await grantReaderPermissions(strapi);
    await createFirstAdmin(strapi);
    await configureContentManager(strapi);
    if (shouldSeed(strapi)) await seedSampleContent(strapi);
  },

  async destroy({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('api::reaction.write-limit').close();
  },
};
