/** What the repositories answer: plain data, shared by the store facade, the dialects and the services. */
export type CounterRow = { documentId: string; kind: string; count: number };
export type CounterChange = { targetUid: string; documentId: string; kind: string; delta: number };
/** `counts`: the document's counters right after the write (API.md: answers in commit order). */
export type SetOutcome = { created: boolean; changed: boolean; previousKind: string | null; counts: Map<string, number> };
export type ClearOutcome = { previousKind: string | null; counts: Map<string, number> };
export type RemovedReaction = { id: number; targetUid: string; documentId: string; kind: string };
export type TrendQuery = { since: Date; until: Date; kinds: string[]; kind: string | null; limit: number };
export type SeriesRow = { start: number; kind: string; count: number };
export type TrendRow = { documentId: string; total: number; counts: Record<string, number> };
/** A document's editorial setting as stored: `kinds` null means every configured kind. */
export type StoredSetting = { closed: boolean; kinds: string[] | null };
export type Repair = { target: string; documentId: string; kind: string; counted: number; stored: number };
export type ReconcileOptions = {
  repair?: boolean;
  /** Documents per batch (one short transaction each). */
  batchSize?: number;
  /** Called after each batch commits: progress for a CLI, and a point where writes go on. */
  onBatch?: (progress: { documents: number; repairs: number }) => Promise<void> | void;
};
export type OwnReaction = { targetUid: string; documentId: string; kind: string; updatedAt: string };
export type OwnReactionsPage = { rows: OwnReaction[]; total: number };
export type OwnRemoved = RemovedReaction;
export type ClaimOutcome = { moved: number; dropped: OwnRemoved[] };
