/**
 * Reaction events go through Strapi's own event hub, and are registered as webhook events so an
 * admin can subscribe a webhook to them (e.g. to revalidate a cached article page).
 * Payload: { event, createdAt, target, documentId, kind, previousKind, tally } and never the reader.
 */
import type { Core } from '@strapi/strapi';
import { REACTION_EVENTS } from './services/reactions';

export const registerReactionEvents = (strapi: Core.Strapi) => {
  const store = strapi.get('webhookStore') as { addAllowedEvent: (key: string, value: string) => void };
  store.addAllowedEvent('REACTION_CREATED', REACTION_EVENTS.created);
  store.addAllowedEvent('REACTION_UPDATED', REACTION_EVENTS.updated);
  store.addAllowedEvent('REACTION_DELETED', REACTION_EVENTS.deleted);
};
