/**
 * The one place the plugin's table and column names come from: Strapi's own metadata, so a
 * prefixed or renamed table (migrations/prefixed-tables.ts) changes nothing in the SQL. Every
 * repository and dialect reads names through these, never spells them out.
 */
import type { Core } from '@strapi/strapi';
import { COUNTER_UID, REACTION_UID, SETTING_UID } from '../../../shared/contract';

export type JoinTable = { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } };

export const createTables = (strapi: Core.Strapi) => {
  /** Any content type's table and columns (the targets' own tables too). */
  const columnsOf = (uid: string) => {
    const meta = strapi.db.metadata.get(uid);
    const column = (attribute: string) =>
      (meta.attributes[attribute] as { columnName?: string } | undefined)?.columnName ?? attribute;
    const joinTable = (attribute: string) => (meta.attributes[attribute] as { joinTable?: JoinTable } | undefined)?.joinTable;
    return { table: meta.tableName, column, joinTable };
  };

  const reactions = () => {
    const { table, column, joinTable } = columnsOf(REACTION_UID);
    return {
      table,
      joinTable,
      documentId: column('documentId'),
      kind: column('kind'),
      targetType: column('targetType'),
      targetDocumentId: column('targetDocumentId'),
      readerKey: column('readerKey'),
      readerType: column('readerType'),
      createdAt: column('createdAt'),
      updatedAt: column('updatedAt'),
      publishedAt: column('publishedAt'),
    };
  };

  const counters = () => {
    const { table, column } = columnsOf(COUNTER_UID);
    return { table, targetType: column('targetType'), targetDocumentId: column('targetDocumentId'), kind: column('kind'), count: column('count') };
  };

  const settings = () => {
    const { table, column } = columnsOf(SETTING_UID);
    return {
      table,
      documentId: column('documentId'),
      targetType: column('targetType'),
      targetDocumentId: column('targetDocumentId'),
      closed: column('closed'),
      kinds: column('kinds'),
      createdAt: column('createdAt'),
      updatedAt: column('updatedAt'),
    };
  };

  return { columnsOf, reactions, counters, settings };
};

export type Tables = ReturnType<typeof createTables>;
export type ReactionColumns = ReturnType<Tables['reactions']>;
