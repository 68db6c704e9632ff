'use strict';

/**
 * Upgrades a database written before reactions became the `reactions` plugin.
 *
 * The plugin takes over the tables the app used (`reactions`, `reaction_counters` and the link
 * tables `reactions_article_lnk`, `reactions_user_lnk`), with the same columns (its own migration
 * then gives them its prefix), so every reaction, counter and reader key stays as it was: tallies stay exact, anonymous tokens keep their
 * reader and signed-in readers keep their reactions. What changes is the owner's name,
 * `api::reaction.*` → `plugin::reactions.*`, so this removes what still names the old one:
 * - users-permissions grants of the old actions (the plugin grants its own at start-up);
 * - the Content Manager's stored views of the old types (the plugin writes its own).
 * Runs before Strapi syncs the schema; does nothing on a new database.
 */
const OLD_UIDS = ['api::reaction.reaction', 'api::reaction.reaction-counter'];

module.exports = {
  async up(knex) {
    if (await knex.schema.hasTable('up_permissions')) {
      const old = await knex('up_permissions').select('id').where('action', 'like', 'api::reaction.reaction.%');
      const ids = old.map((row) => row.id);
      if (ids.length > 0) {
        if (await knex.schema.hasTable('up_permissions_role_lnk')) {
          await knex('up_permissions_role_lnk').whereIn('permission_id', ids).del();
        }
        await knex('up_permissions').whereIn('id', ids).del();
      }
    }
    if (await knex.schema.hasTable('strapi_core_store_settings')) {
      await knex('strapi_core_store_settings')
        .whereIn(
          'key',
          OLD_UIDS.map((uid) => `plugin_content_manager_configuration_content_types::${uid}`)
        )
        .del();
    }
  },
};
