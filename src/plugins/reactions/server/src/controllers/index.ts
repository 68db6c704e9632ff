import admin from './admin';
import documentation from './documentation';
import mine from './mine';
import reactions from './reactions';

export default { reactions, documentation, admin, mine };
