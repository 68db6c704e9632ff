import { factories } from '@strapi/strapi';

// Stock controller: `reactionTally` is added to its responses by the global reaction-tallies middleware,
// so every reaction target gets it from config alone.
export default factories.createCoreController('api::article.article');
