import admin from './admin';
import documentation from './documentation';
import live from './live';
import mine from './mine';
import reactions from './reactions';

export default { reactions, documentation, admin, mine, live };
