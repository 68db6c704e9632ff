/**
 * Maintenance: proves counters equal rows and repairs drift (`npm run reactions:reconcile`).
 * Counters are kept in the same transaction as rows, so drift only comes from outside writes
 * (a restored backup, a manual SQL edit).
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/services';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  reconcile(options: { repair?: boolean } = {}) {
    return getService(strapi, 'store').reconcile(options);
  },
});
