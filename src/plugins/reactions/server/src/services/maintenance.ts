/**
 * Maintenance: proves counters equal rows and repairs drift (`npm run reactions:reconcile`).
 * Counters are kept in the same transaction as rows, so drift only comes from outside writes
 * (a restored backup, a manual SQL edit). It runs while the site takes writes: batches of
 * documents, no table locks (repositories/counters.ts `reconcile`).
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/services';
import type { ReconcileOptions } from './store';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  reconcile(options: ReconcileOptions = {}) {
    return getService(strapi, 'store').reconcile(options);
  },
});
