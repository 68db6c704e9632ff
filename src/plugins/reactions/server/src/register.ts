/**
 * Register runs before the database schema is synced: everything derived from the plugin's
 * config (the kind enum, the Reaction's relations, controller extensions, GraphQL) is put in
 * place here. A bad target stops the start with a message naming it.
 */
import type { Core } from '@strapi/strapi';
import { REACTION_UID } from '../../shared/contract';
import { grantAdminActionsAfterAdminBootstrap, registerAdminActions } from './bootstrap/admin-actions';
import { registerDocumentLifecycle } from './bootstrap/document-lifecycle';
import { registerPrefixedTablesMigration } from './migrations/prefixed-tables';
import { followUsersPermissionsBootstrap, warnAfterProjectBootstrap } from './bootstrap/permissions';
import { registerReaderHeaders } from './extensions/reader-headers';
import { registerUnauthorizedReason } from './extensions/unauthorized-reason';
import { registerPublishedOnlyReads } from './extensions/drafts';
import { registerTallyEmbedding } from './extensions/embed-tallies';
import { registerGraphql } from './graphql';
import { registerPublicAccess } from './strategies/public-access';
import { getKindKeys, getTargets } from './utils/settings';

type Attribute = Record<string, unknown>;

/**
 * The Reaction schema follows config: its kind enum, a relation to each target (the Content
 * Manager shows which document a reaction is on) and, with users-permissions, to the user.
 * schema.json keeps the default kinds for the Content-Type Builder.
 */
const shapeReactionSchema = (strapi: Core.Strapi) => {
  const attributes = strapi.contentType(REACTION_UID).attributes as unknown as Record<string, Attribute>;
  attributes.kind = { ...attributes.kind, enum: getKindKeys(strapi) };
  for (const target of getTargets(strapi)) {
    attributes[target.relationAttribute] = { type: 'relation', relation: 'manyToOne', target: target.uid };
  }
  if (strapi.plugin('users-permissions')) {
    attributes.user = { type: 'relation', relation: 'manyToOne', target: 'plugin::users-permissions.user', private: true };
  }
};

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  shapeReactionSchema(strapi);
  await registerAdminActions(strapi);
  grantAdminActionsAfterAdminBootstrap(strapi);
  registerPrefixedTablesMigration(strapi);
  registerPublishedOnlyReads(strapi);
  registerTallyEmbedding(strapi);
  registerDocumentLifecycle(strapi);
  registerPublicAccess(strapi);
  followUsersPermissionsBootstrap(strapi);
  warnAfterProjectBootstrap(strapi);
  registerReaderHeaders(strapi);
  registerUnauthorizedReason(strapi);
  if (strapi.plugin('graphql')) registerGraphql(strapi);
};
