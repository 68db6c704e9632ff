import admin from './admin';
import documentation from './documentation';
import reactions from './reactions';

export default { reactions, documentation, admin };
