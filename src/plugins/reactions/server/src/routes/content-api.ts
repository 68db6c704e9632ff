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

export default {
  type: 'content-api',
  prefix: '',
  routes: [
    { method: 'GET', path: '/:pluralName/:documentId/reactions', handler: 'reactions.tally', config: { auth: auth() } },
    { method: 'PUT', path: '/:pluralName/:documentId/reactions', handler: 'reactions.set', config: { auth: auth() } },
    { method: 'DELETE', path: '/:pluralName/:documentId/reactions', handler: 'reactions.clear', config: { auth: auth() } },
    { method: 'GET', path: '/reaction-tallies', handler: 'reactions.tallies', config: { auth: auth() } },
    { method: 'GET', path: '/reaction-kinds', handler: 'reactions.kinds', config: { auth: auth() } },
    // A reader's own reactions (controllers/mine.ts): list, erase, claim on sign-in.
    { method: 'GET', path: '/reactions/mine', handler: 'mine.find', config: { auth: auth() } },
    { method: 'DELETE', path: '/reactions/mine', handler: 'mine.forget', config: { auth: auth() } },
    { method: 'POST', path: '/reactions/claim', handler: 'mine.claim', config: { auth: auth() } },
    // The stream is the tally read kept open: it obeys the same permission (`reactions.tally`),
    // so revoking Public's tally also refuses streams (services/stream.ts closes open ones).
    { method: 'GET', path: '/reaction-stream', handler: 'live.stream', config: { auth: { ...auth(), scope: [STREAM_ACTION] } } },
    { method: 'GET', path: '/reaction-trends', handler: 'trends.find', config: { auth: auth() } },
    // Public and identity-free, so documentation tools and code generators need no token.
    { method: 'GET', path: '/reactions/openapi.json', handler: 'documentation.openapi', config: { auth: false } },
    // The <reaction-bar> web component the package ships.
    { method: 'GET', path: '/reactions/reaction-bar.js', handler: 'bar.script', config: { auth: false } },
  ],
};
