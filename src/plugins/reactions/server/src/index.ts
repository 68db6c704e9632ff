/**
 * The reactions plugin's server manifest: readers react to documents of the configured targets
 * with one of the configured kinds, one reaction per reader, with exact tallies over REST and
 * GraphQL. See the plugin's README for install, config, API and events.
 */
import bootstrap from './bootstrap';
import config from './config';
import contentTypes from './content-types';
import controllers from './controllers';
import destroy from './destroy';
import register from './register';
import routes from './routes';
import services from './services';

export default { register, bootstrap, destroy, config, contentTypes, controllers, routes, services };
