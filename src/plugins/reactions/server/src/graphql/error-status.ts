/**
 * GraphQL errors of the plugin's fields carry the HTTP status REST would answer with
 * (`extensions.error.status`), in any host: Strapi's own error formatting names the error but
 * gives no status, and a host need not install a formatter of its own. Runs when the response is
 * sent, after whatever formatter the host configured; errors of the host's own fields are left
 * as the host formats them.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { STATUS_BY_ERROR_NAME } from '../../../shared/contract';
import { PLUGIN_ROOT_FIELDS } from './scope';


type FormattedError = { path?: ReadonlyArray<string | number>; extensions?: { error?: { name?: string; status?: number } } };

const isPluginField = (path: FormattedError['path']) =>
  Boolean(path && (PLUGIN_ROOT_FIELDS.has(String(path[0])) || path.includes('reactionTally')));

export const errorStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const body = response.body as { kind: string; singleResult?: { errors?: FormattedError[] } };
        for (const error of body.singleResult?.errors ?? []) {
          const details = error.extensions?.error;
          if (!details || typeof details.status === 'number' || !isPluginField(error.path)) continue;
          const status = STATUS_BY_ERROR_NAME[String(details.name)];
          if (status) details.status = status;
        }
      },
    };
  },
};
