/**
 * The public routes. `prefix: ''` keeps the paths clients already use (`/api/articles/:id/reactions`
 * rather than `/api/reactions/...`). One route serves every target: the controller resolves
 * `:pluralName` against the configured targets and answers 404 for anything else.
 *
 * Auth stays on: the public and authenticated roles are granted these actions at start-up
 * (bootstrap/permissions.ts), which lets anyone call them while a valid JWT still identifies the reader.
 * Anonymous requests are checked against the public role by strategies/public-access.ts, which
 * keeps the public role's ability in memory instead of reading it per request.
 */
import { pluginRouteAuth as auth } from '../strategies/public-access';
import { STREAM_ACTION } from '../services/stream';

/** A reader's route: anyone the plugin's reader actions allow (strategies/public-access.ts). */
const readerRoute = (method: string, path: string, handler: string) => ({ method, path, handler, config: { auth: auth() } });

export default {
  type: 'content-api',
  prefix: '',
  routes: [
    readerRoute('GET', '/:pluralName/:documentId/reactions', 'reactions.tally'),
    readerRoute('PUT', '/:pluralName/:documentId/reactions', 'reactions.set'),
    readerRoute('DELETE', '/:pluralName/:documentId/reactions', 'reactions.clear'),
    readerRoute('GET', '/reaction-tallies', 'reactions.tallies'),
    readerRoute('GET', '/reaction-kinds', 'reactions.kinds'),
    // A reader's own reactions (controllers/mine.ts): list, erase, claim on sign-in.
    readerRoute('GET', '/reactions/mine', 'mine.find'),
    readerRoute('DELETE', '/reactions/mine', 'mine.forget'),
    readerRoute('POST', '/reactions/claim', 'mine.claim'),
    // The stream is the tally read kept open: it obeys the same permission (`reactions.tally`),
    // so revoking Public's tally also refuses streams (services/stream/ closes open ones).
    { method: 'GET', path: '/reaction-stream', handler: 'live.stream', config: { auth: { ...auth(), scope: [STREAM_ACTION] } } },
    readerRoute('GET', '/reaction-trends', 'trends.find'),
    // Public and identity-free, so documentation tools and code generators need no token.
    { method: 'GET', path: '/reactions/openapi.json', handler: 'documentation.openapi', config: { auth: false } },
    // The <reaction-bar> web component the package ships.
    { method: 'GET', path: '/reactions/reaction-bar.js', handler: 'bar.script', config: { auth: false } },
  ],
};
