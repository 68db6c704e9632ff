/**
 * Reaction events on Strapi's event hub, also offered as webhook events so an admin can subscribe
 * a webhook to them (e.g. to revalidate a cached page). Payload: target, documentId, kind,
 * previousKind and the fresh tally, never the reader.
 *
 * Each event goes out once, after the write's transaction commits (a rolled-back write sends
 * nothing), and a listener that throws or rejects is logged: the write stands and the process
 * keeps serving. Strapi's hub calls listeners one after another and stops at the first that
 * fails, so later listeners of that event miss it.
 */
import type { Core } from '@strapi/strapi';
import { REACTION_EVENTS, type ReactionEvent, type ReactionEventName, type ReactionSettingsEvent } from '../../../shared/contract';
import { afterCommit } from '../utils/after-commit';
import { getService } from '../utils/services';

type WebhookStore = { addAllowedEvent: (key: string, value: string) => void };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The tally of this document changed: caches on every instance and live streams follow, then listeners hear of it. */
  const publish = (event: ReactionEventName, payload: ReactionEvent | ReactionSettingsEvent) => {
    // The change feed defers itself to the commit too; it never rejects.
    void getService(strapi, 'changes').announce(payload.target, payload.documentId);
    afterCommit(strapi, `a listener of ${event}`, () => strapi.eventHub.emit(event, payload));
  };

  return {
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
      publish(REACTION_EVENTS.settingsUpdated, payload);
    },

    /** Every reader write and moderation removal passes here. */
    emit(change: Exclude<keyof typeof REACTION_EVENTS, 'settingsUpdated'>, payload: ReactionEvent) {
      publish(REACTION_EVENTS[change], payload);
    },
  };
};
