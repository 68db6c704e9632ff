import admin from './admin';
import analytics from './analytics';
import bar from './bar';
import documentation from './documentation';
import editorial from './editorial';
import live from './live';
import mine from './mine';
import reactions from './reactions';
import trends from './trends';

export default { bar, reactions, documentation, admin, mine, live, trends, editorial, analytics };
