import admin from './admin';
import documentation from './documentation';
import live from './live';
import reactions from './reactions';

export default { reactions, documentation, admin, live };
