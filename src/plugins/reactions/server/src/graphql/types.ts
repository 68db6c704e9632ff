/**
 * GraphQL types, generated from the configured kinds and targets: a kind added in config is a
 * new enum value and a new ReactionCounts field; a target added in config gets `reactionTally`.
 */
import type { KindInfo } from '../../../shared/contract';
import type { Target } from '../utils/settings';
import { trendsTypeDefs } from './trends';

export const buildTypeDefs = (kinds: KindInfo[], targets: Target[]): string => {
  const keys = kinds.map(({ kind }) => kind);
  return `
  "A reaction a reader can give, in display order."
  enum ReactionKind { ${keys.join(' ')} }

  "How many readers gave each kind; every configured kind is present, zeros included."
  type ReactionCounts { ${keys.map((kind) => `${kind}: Int!`).join(' ')} }

  "The aggregate of one document's reactions. mine is the calling reader's kind, or null."
  type ReactionTally { documentId: ID! total: Int! counts: ReactionCounts! mine: ReactionKind closed: Boolean! kinds: [ReactionKind!]! }

  type ReactionKindInfo { kind: ReactionKind! label: String! emoji: String! }

  ${targets.map((target) => `extend type ${target.graphqlTypeName} { reactionTally: ReactionTally! }`).join('\n  ')}

  extend type Query {
    "Tallies of up to 100 published documents, in the order asked; unknown or unpublished ids are left out."
    reactionTallies(documentIds: [ID!]!): [ReactionTally!]!
    reactionKinds: [ReactionKindInfo!]!
  }

  extend type Mutation {
    "Sets the reader's reaction (creates, switches or keeps it) and returns the fresh tally."
    react(documentId: ID!, kind: ReactionKind!): ReactionTally!
    "Removes the reader's reaction, if any, and returns the fresh tally."
    unreact(documentId: ID!): ReactionTally!
  }
${trendsTypeDefs}`;
};
