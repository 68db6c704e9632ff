import analytics from './analytics';
import changes from './changes';
import clock from './clock';
import events from './events';
import limits from './limits';
import maintenance from './maintenance';
import ownership from './ownership';
import readers from './readers';
import rules from './rules';
import settings from './reaction-settings';
import store from './store';
import stream from './stream';
import tallyCache from './tally-cache';
import trends from './trends';

export default { rules, store, readers, limits, maintenance, events, ownership, changes, tallyCache, stream, clock, trends, settings, analytics };
