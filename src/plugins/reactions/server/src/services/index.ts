import analytics from './analytics';
import clock from './clock';
import events from './events';
import limits from './limits';
import maintenance from './maintenance';
import readers from './readers';
import rules from './rules';
import settings from './reaction-settings';
import store from './store';
import trends from './trends';

export default { rules, store, readers, limits, maintenance, events, clock, trends, settings, analytics };
