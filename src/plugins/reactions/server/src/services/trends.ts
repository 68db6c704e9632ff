/**
 * Trends: which published documents readers reacted to within a window. A reaction counts when
 * it was set or last switched within the window (its `updatedAt`); a cleared one counts nowhere.
 * The window ends at the plugin's clock, so tests can seed a timeline. SQL lives in the store.
 */
import type { Core } from '@strapi/strapi';
import type { TrendsResponse } from '../../../shared/contract';
import { getService } from '../utils/services';
import { findTargetByPluralName, getKindKeys, getTargets } from '../utils/settings';
import { WINDOW_MS, parseTrendsQuery, type TrendsInput } from '../utils/trends-query';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const trends = {
    /** Validates raw query parameters (REST) or arguments (GraphQL); 400 with details otherwise. */
    parse(query: Record<string, unknown>): TrendsInput {
      return parseTrendsQuery(
        query,
        getTargets(strapi).map((target) => target.pluralName),
        getKindKeys(strapi)
      );
    },

    async top(input: TrendsInput): Promise<TrendsResponse> {
      const target = findTargetByPluralName(strapi, input.target);
      if (!target) throw new Error(`unvalidated trends target ${input.target}`);
      const until = getService(strapi, 'clock').now();
      const since = new Date(until.getTime() - WINDOW_MS[input.window]);
      const data = await getService(strapi, 'store').trending(target, {
        since,
        until,
        kinds: getKindKeys(strapi),
        kind: input.kind,
        limit: input.limit,
      });
      return {
        data,
        meta: {
          target: target.pluralName,
          window: input.window,
          since: since.toISOString(),
          until: until.toISOString(),
          kind: input.kind,
          limit: input.limit,
        },
      };
    },
  };
  return trends;
};
