import events from './events';
import limits from './limits';
import maintenance from './maintenance';
import ownership from './ownership';
import readers from './readers';
import rules from './rules';
import store from './store';

export default { rules, store, readers, limits, maintenance, events, ownership };
