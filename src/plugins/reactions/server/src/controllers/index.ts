import admin from './admin';
import analytics from './analytics';
import documentation from './documentation';
import editorial from './editorial';
import reactions from './reactions';
import trends from './trends';

export default { reactions, documentation, admin, trends, editorial, analytics };
