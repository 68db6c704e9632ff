/**
 * Reaction events on Strapi's event hub, also offered as webhook events so an admin can subscribe
 * a webhook to them (e.g. to revalidate a cached page). Payload: target, documentId, kind,
 * previousKind and the fresh tally, never the reader.
 */
import type { Core } from '@strapi/strapi';
import { REACTION_EVENTS, type ReactionEvent, type ReactionSettingsEvent } from '../../../shared/contract';
import { getService } from '../utils/services';

type WebhookStore = { addAllowedEvent: (key: string, value: string) => void };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Called in bootstrap: the webhook form lists the events. */
  registerWebhookEvents() {
    const webhooks = strapi.get('webhookStore') as WebhookStore;
    webhooks.addAllowedEvent('REACTION_CREATED', REACTION_EVENTS.created);
    webhooks.addAllowedEvent('REACTION_UPDATED', REACTION_EVENTS.updated);
    webhooks.addAllowedEvent('REACTION_DELETED', REACTION_EVENTS.deleted);
    webhooks.addAllowedEvent('REACTION_SETTINGS_UPDATED', REACTION_EVENTS.settingsUpdated);
  },

  /** An editor closed, reopened or restricted a document's reactions: its tally changed too. */
  emitSettings(payload: ReactionSettingsEvent) {
    void getService(strapi, 'changes').announce(payload.target, payload.documentId);
    void strapi.eventHub.emit(REACTION_EVENTS.settingsUpdated, payload);
  },

  emit(change: Exclude<keyof typeof REACTION_EVENTS, 'settingsUpdated'>, payload: ReactionEvent) {
    // Every tally change passes here: caches on every instance and live streams follow.
    void getService(strapi, 'changes').announce(payload.target, payload.documentId);
    void strapi.eventHub.emit(REACTION_EVENTS[change], payload);
  },
});
