/**
 * The plugin's content types. Their tables carry the plugin's prefix (`reader_reactions`, ...);
 * databases written with the older, unprefixed names are renamed in place at start
 * (migrations/prefixed-tables.ts).
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
