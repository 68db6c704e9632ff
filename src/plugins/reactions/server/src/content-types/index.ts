/**
 * The plugin's content types. Their tables keep the names the app used before the plugin
 * (`reactions`, `reaction_counters`), so an existing database upgrades in place.
 * The Reaction's relations (to each target, and to the users-permissions user) depend on the
 * project and are added in register (see register.ts).
 */
import reactionCounter from './reaction-counter/schema.json';
import reaction from './reaction/schema.json';
import reactionSetting from './reaction-setting/schema.json';

export default {
  reaction: { schema: reaction },
  'reaction-counter': { schema: reactionCounter },
  'reaction-setting': { schema: reactionSetting },
};
