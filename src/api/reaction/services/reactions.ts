/**
 * The reactions service owns every rule: set, clear, tally, batch tally. REST controllers,
 * GraphQL resolvers, the admin routes and the seeder are thin adapters over it.
 *
 * Storage decisions:
 * - One reaction per reader per target document is enforced by the database: a unique index on
 *   (target_type, target_document_id, reader_key) declared in the Reaction schema, so Strapi's
 *   schema sync owns it. Writes use INSERT ... ON CONFLICT DO NOTHING and translate the conflict.
 * - Tallies are read from per-(document, kind) counters kept in the same transaction as the
 *   reaction rows. A GROUP BY over a covering index reads every reaction of the article, so a
 *   viral article's tally gets slower as it grows; counters read at most one row per kind,
 *   whatever the number of reactions, at the price of a row lock per write (`npm run bench`
 *   measures both sides). `reconcile` recomputes counters from rows and repairs any drift.
 * - Counter rows are always locked in one order (by kind), so two readers switching in opposite
 *   directions cannot deadlock on PostgreSQL.
 * - On SQLite each write transaction starts with a write statement, so it takes the write lock
 *   at once (waiting up to the busy timeout) and cannot fail with SQLITE_BUSY on upgrade.
 * - Writes go through Knex directly rather than the Document Service: a reaction is a small,
 *   hot row and the Document Service's extra queries per write would cap throughput.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Knex } from 'knex';
import { COUNTER_UID, REACTION_UID, findTarget, getKindKeys, getTargets, type Target } from '../settings';
import { redactReaderSecrets } from '../redact-errors';
import type { Reader } from './readers';

export type Tally = {
  documentId: string;
  total: number;
  counts: Record<string, number>;
  mine: string | null;
};

export type SetResult = { tally: Tally; created: boolean; changed: boolean; previousKind: string | null };
export type ClearResult = { tally: Tally; removed: boolean; previousKind: string | null };

type Row = Record<string, unknown>;

/** One place for the event hub names; webhooks list the same names. */
export const REACTION_EVENTS = {
  created: 'reaction.created',
  updated: 'reaction.updated',
  deleted: 'reaction.deleted',
} as const;

const DOCUMENT_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Strapi document ids are 24 lowercase alphanumerics; reactions get one so the Content Manager can address them.
const createDocumentId = (): string => {
  const bytes = crypto.randomBytes(24);
  let id = DOCUMENT_ID_ALPHABET[bytes[0] % 26];
  for (let i = 1; i < 24; i += 1) id += DOCUMENT_ID_ALPHABET[bytes[i] % 36];
  return id;
};

const isPostgres = (strapi: Core.Strapi) => strapi.db.dialect.client === 'postgres';

/**
 * DELETE ... RETURNING as one statement on both databases (Knex's `.returning()` on delete
 * yields only a count with better-sqlite3), so the delete stays the transaction's first write.
 */
const deleteReturning = async (trx: Knex.Transaction, query: Knex.QueryBuilder, columns: string[]): Promise<Row[]> => {
  const { sql, bindings } = query.del().toSQL();
  const returning = columns.map((column) => `"${column.replace(/"/g, '')}"`).join(', ');
  const result = await trx.raw(`${sql} returning ${returning}`, bindings as Knex.RawBinding[]);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** Reads join a surrounding transaction (e.g. the Content Manager's bulk delete); on SQLite's single connection a separate read would wait forever. */
  const read = <T>(query: (db: Knex | Knex.Transaction) => Promise<T>): Promise<T> =>
    strapi.db.inTransaction()
      ? (strapi.db.transaction(({ trx }) => query(trx)) as unknown as Promise<T>)
      : query(strapi.db.connection);

  const columnsOf = (uid: string) => {
    const meta = strapi.db.metadata.get(uid);
    const column = (attribute: string) =>
      (meta.attributes[attribute] as { columnName?: string } | undefined)?.columnName ?? attribute;
    return { table: meta.tableName, column, meta };
  };

  const reactionTable = () => {
    const { table, column, meta } = columnsOf(REACTION_UID);
    return {
      table,
      id: 'id',
      documentId: column('documentId'),
      kind: column('kind'),
      targetType: column('targetType'),
      targetDocumentId: column('targetDocumentId'),
      readerKey: column('readerKey'),
      readerType: column('readerType'),
      createdAt: column('createdAt'),
      updatedAt: column('updatedAt'),
      publishedAt: column('publishedAt'),
      joinTable: (attribute: string) =>
        (meta.attributes[attribute] as { joinTable?: { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } } })
          .joinTable,
    };
  };

  const counterTable = () => {
    const { table, column } = columnsOf(COUNTER_UID);
    return {
      table,
      targetType: column('targetType'),
      targetDocumentId: column('targetDocumentId'),
      kind: column('kind'),
      count: column('count'),
    };
  };

  const emptyTally = (documentId: string): Tally => ({
    documentId,
    total: 0,
    counts: Object.fromEntries(getKindKeys(strapi).map((kind) => [kind, 0])),
    mine: null,
  });

  const requireTarget = (uid: string): Target => {
    const target = findTarget(strapi, uid);
    if (!target) throw new errors.NotFoundError('Reactions are not enabled for this content type');
    return target;
  };

  /**
   * The rows of a document's versions: whether it is published, and which rows the admin relation
   * links to. With `lock` (inside a write transaction on PostgreSQL) the rows are held FOR SHARE,
   * so a concurrent delete of the document waits for the write and then purges its reaction.
   */
  const findVersions = async (target: Target, documentId: string, { lock = false } = {}) => {
    const { table, column } = columnsOf(target.uid);
    const rows: Row[] = await read((db) => {
      const query = db(table)
        .select('id', `${column('publishedAt')} as published_at`, `${column('locale')} as locale`)
        .where(column('documentId'), documentId);
      return lock && isPostgres(strapi) ? query.forShare() : query;
    });
    const isPublished = (row: Row) => row.published_at !== null && row.published_at !== undefined;
    const published = rows.some(isPublished);
    // The relation links one locale's draft and published rows (the locale published first), as the
    // Document Service does for a relation from a type without draft & publish to one with it: the
    // Content Manager reads reactions as published, so it shows the article through the published
    // link. Strapi re-points both links when the document is re-published, unpublished and published
    // again, or its draft discarded.
    const linked = [...rows].filter(isPublished).sort((a, b) => Number(a.id) - Number(b.id))[0] ?? rows[0];
    const linkIds = linked ? rows.filter((row) => row.locale === linked.locale).map((row) => Number(row.id)) : [];
    return { published, linkIds };
  };

  const notFound = (target: Target) =>
    new errors.NotFoundError(`No published ${target.displayName.toLowerCase()} with this documentId`);

  const assertKind = (kind: string) => {
    const allowed = getKindKeys(strapi);
    if (!allowed.includes(kind)) {
      throw new errors.ValidationError(`Unknown reaction kind "${String(kind).slice(0, 40)}"`, { allowed });
    }
  };

  const adjustCounters = async (
    trx: Knex.Transaction,
    targetUid: string,
    documentId: string,
    changes: Array<{ kind: string; delta: 1 | -1 }>
  ) => {
    const t = counterTable();
    // Lock counter rows in one global order (by kind) to rule out deadlocks between opposite switches.
    const ordered = [...changes].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    for (const { kind, delta } of ordered) {
      if (delta > 0) {
        await trx(t.table)
          .insert({ [t.targetType]: targetUid, [t.targetDocumentId]: documentId, [t.kind]: kind, [t.count]: 1 })
          .onConflict([t.targetType, t.targetDocumentId, t.kind])
          .merge({ [t.count]: trx.raw('??.?? + 1', [t.table, t.count]) });
      } else {
        await trx(t.table)
          .where({ [t.targetType]: targetUid, [t.targetDocumentId]: documentId, [t.kind]: kind })
          .update({ [t.count]: trx.raw('?? - 1', [t.count]) });
      }
    }
  };

  /**
   * PostgreSQL: serialise one reader's writes on one document with a transaction-scoped advisory
   * lock, taken first, so set/switch/clear from the same reader never interleave. Other readers
   * are not blocked. (SQLite already serialises writers with its database write lock.)
   */
  const lockReader = async (trx: Knex.Transaction, targetUid: string, documentId: string, readerKey: string) => {
    if (!isPostgres(strapi)) return;
    const lockId = crypto.createHash('sha256').update(`${targetUid}\u0000${documentId}\u0000${readerKey}`).digest().readBigInt64BE(0);
    await trx.raw('select pg_advisory_xact_lock(?)', [lockId.toString()]);
  };

  /** Runs a reader's database work; an unexpected error leaves without the reader's key or token. */
  const withReader = async <T>(reader: Reader, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw redactReaderSecrets(error, [reader.key, reader.issuedToken]);
    }
  };

  const emit = (event: string, payload: Record<string, unknown>) => {
    // Events never carry the reader's identity: only what a cache needs to revalidate.
    void strapi.eventHub.emit(event, payload);
  };

  const service = {
    kinds() {
      return getKindKeys(strapi);
    },

    targets() {
      return getTargets(strapi);
    },

    assertKind,

    /** Tallies of many documents of one target in two queries (counters, and the reader's own kinds). */
    async tallies(targetUid: string, documentIds: string[], reader: Reader | null = null): Promise<Map<string, Tally>> {
      const result = new Map<string, Tally>();
      const ids = [...new Set(documentIds.filter((id) => typeof id === 'string' && id.length > 0))];
      for (const id of ids) result.set(id, emptyTally(id));
      if (ids.length === 0) return result;
      const kinds = new Set(getKindKeys(strapi));
      const c = counterTable();
      const counters: Row[] = await read((db) =>
        db(c.table)
          .select(`${c.targetDocumentId} as document_id`, `${c.kind} as kind`, `${c.count} as count`)
          .where(c.targetType, targetUid)
          .whereIn(c.targetDocumentId, ids)
      );
      for (const row of counters) {
        const tally = result.get(String(row.document_id));
        const kind = String(row.kind);
        // A retired kind's reactions stay stored but no longer count.
        if (!tally || !kinds.has(kind)) continue;
        const count = Number(row.count);
        tally.counts[kind] = count;
        tally.total += count;
      }
      if (reader && !reader.isNew) {
        const r = reactionTable();
        const mine: Row[] = await read((db) =>
          db(r.table)
            .select(`${r.targetDocumentId} as document_id`, `${r.kind} as kind`)
            .where({ [r.targetType]: targetUid, [r.readerKey]: reader.key })
            .whereIn(r.targetDocumentId, ids)
        );
        for (const row of mine) {
          const tally = result.get(String(row.document_id));
          if (tally && kinds.has(String(row.kind))) tally.mine = String(row.kind);
        }
      }
      return result;
    },

    /** One published document's tally; 404 when the document is unknown or not published. */
    async tally(targetUid: string, documentId: string, reader: Reader | null = null): Promise<Tally> {
      const target = requireTarget(targetUid);
      const { published } = await findVersions(target, documentId);
      if (!published) throw notFound(target);
      return (await service.tallies(targetUid, [documentId], reader)).get(documentId) as Tally;
    },

    /** Which of these ids are published documents of the target, in the order given. */
    async publishedIds(targetUid: string, documentIds: string[]): Promise<string[]> {
      if (documentIds.length === 0) return [];
      const { table, column } = columnsOf(targetUid);
      const rows: Row[] = await read((db) =>
        db(table)
          .distinct(`${column('documentId')} as document_id`)
          .whereIn(column('documentId'), documentIds)
          .whereNotNull(column('publishedAt'))
      );
      const found = new Set(rows.map((row) => String(row.document_id)));
      return documentIds.filter((id) => found.has(id));
    },

    /**
     * Tallies of published documents across every target, in the order asked; unknown and
     * unpublished ids are left out.
     */
    async talliesAcrossTargets(documentIds: string[], reader: Reader | null = null): Promise<Tally[]> {
      const unique = [...new Set(documentIds)];
      const byId = new Map<string, Tally>();
      for (const target of getTargets(strapi)) {
        const remaining = unique.filter((id) => !byId.has(id));
        const published = await service.publishedIds(target.uid, remaining);
        const tallies = await service.tallies(target.uid, published, reader);
        for (const [id, tally] of tallies) byId.set(id, tally);
      }
      return documentIds.filter((id) => byId.has(id)).map((id) => byId.get(id) as Tally);
    },

    /** The target whose published document has this id, or 404. Used where only an id is given (GraphQL). */
    async findPublishedTarget(documentId: string): Promise<Target> {
      for (const target of getTargets(strapi)) {
        if ((await service.publishedIds(target.uid, [documentId])).length > 0) return target;
      }
      throw new errors.NotFoundError('No published document with this documentId accepts reactions');
    },

    /** Sets the reader's reaction: creates it, moves it to another kind, or leaves it as it is. */
    async set(targetUid: string, documentId: string, reader: Reader, kind: string): Promise<SetResult> {
      assertKind(kind);
      const target = requireTarget(targetUid);
      const r = reactionTable();
      const key = { [r.targetType]: target.uid, [r.targetDocumentId]: documentId, [r.readerKey]: reader.key };

      const outcome = await withReader(reader, () => strapi.db.transaction(async ({ trx }) => {
        await lockReader(trx, target.uid, documentId, reader.key);
        let linkIds: number[] | null = null;
        // Without the lock (SQLite's write lock plays its part there) a concurrent DELETE could
        // remove the row between our INSERT and SELECT; then the loop tries again.
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const now = new Date();
          const inserted: Row[] = await trx(r.table)
            .insert({
              ...key,
              [r.documentId]: createDocumentId(),
              [r.kind]: kind,
              [r.readerType]: reader.type,
              [r.createdAt]: now,
              [r.updatedAt]: now,
              [r.publishedAt]: now,
            })
            .onConflict([r.targetType, r.targetDocumentId, r.readerKey])
            .ignore()
            .returning(['id']);
          // Checked inside the transaction, after its first write (which takes SQLite's write lock):
          // a concurrent delete of the document either comes first (404, nothing kept) or waits for
          // this write and then purges it. An unpublished document rolls the insert back.
          if (linkIds === null) {
            const versions = await findVersions(target, documentId, { lock: true });
            if (!versions.published) throw notFound(target);
            linkIds = versions.linkIds;
          }
          if (inserted.length > 0) {
            const reactionId = Number(inserted[0].id ?? inserted[0]);
            if (target.relationAttribute && linkIds.length > 0) {
              const join = r.joinTable(target.relationAttribute);
              if (join) {
                await trx(join.name).insert(
                  linkIds.map((linkId) => ({ [join.joinColumn.name]: reactionId, [join.inverseJoinColumn.name]: linkId }))
                );
              }
            }
            if (reader.userId !== null) {
              const join = r.joinTable('user');
              if (join) await trx(join.name).insert({ [join.joinColumn.name]: reactionId, [join.inverseJoinColumn.name]: reader.userId });
            }
            await adjustCounters(trx, target.uid, documentId, [{ kind, delta: 1 }]);
            return { created: true, changed: true, previousKind: null };
          }
          let existingQuery = trx(r.table).select('id', `${r.kind} as kind`).where(key).first();
          if (isPostgres(strapi)) existingQuery = existingQuery.forUpdate();
          const existing = (await existingQuery) as Row | undefined;
          if (!existing) continue;
          const previousKind = String(existing.kind);
          if (previousKind === kind) return { created: false, changed: false, previousKind };
          await trx(r.table).where('id', existing.id as number).update({ [r.kind]: kind, [r.updatedAt]: new Date() });
          await adjustCounters(trx, target.uid, documentId, [
            { kind: previousKind, delta: -1 },
            { kind, delta: 1 },
          ]);
          return { created: false, changed: true, previousKind };
        }
        throw new errors.ApplicationError('The reaction changed too often at once; try again');
      }));

      // The reader's own kind is what was just written; only the counters need reading.
      const tally = { ...((await service.tallies(target.uid, [documentId])).get(documentId) as Tally), mine: kind };
      if (outcome.changed) {
        emit(outcome.created ? REACTION_EVENTS.created : REACTION_EVENTS.updated, {
          target: target.uid,
          documentId,
          kind,
          previousKind: outcome.previousKind,
          tally: { ...tally, mine: undefined },
        });
      }
      return { tally, ...outcome };
    },

    /** Removes the reader's reaction; succeeds also when there was none. */
    async clear(targetUid: string, documentId: string, reader: Reader): Promise<ClearResult> {
      const target = requireTarget(targetUid);
      const { published } = await findVersions(target, documentId);
      if (!published) throw notFound(target);
      const r = reactionTable();
      let previousKind: string | null = null;
      if (!reader.isNew) {
        previousKind = await withReader(reader, () => strapi.db.transaction(async ({ trx }) => {
          await lockReader(trx, target.uid, documentId, reader.key);
          const removed = await deleteReturning(
            trx,
            trx(r.table).where({ [r.targetType]: target.uid, [r.targetDocumentId]: documentId, [r.readerKey]: reader.key }),
            ['id', r.kind]
          );
          if (removed.length === 0) return null;
          await service.unlink(trx, Number(removed[0].id));
          const kind = String(removed[0][r.kind]);
          await adjustCounters(trx, target.uid, documentId, [{ kind, delta: -1 }]);
          return kind;
        }));
      }
      // After a clear the reader has no reaction: only the counters need reading.
      const tally = (await service.tallies(target.uid, [documentId])).get(documentId) as Tally;
      if (previousKind !== null) {
        emit(REACTION_EVENTS.deleted, {
          target: target.uid,
          documentId,
          kind: null,
          previousKind,
          tally: { ...tally, mine: undefined },
        });
      }
      return { tally, removed: previousKind !== null, previousKind };
    },

    /** Link rows are removed explicitly: SQLite only cascades when foreign keys are on for that connection. */
    async unlink(trx: Knex.Transaction, reactionId: number) {
      const r = reactionTable();
      for (const attribute of ['user', ...getTargets(strapi).map((t) => t.relationAttribute)]) {
        const join = attribute ? r.joinTable(attribute) : undefined;
        if (join) await trx(join.name).where(join.joinColumn.name, reactionId).del();
      }
    },

    /** Moderation: deletes reactions by row id (from the admin panel), keeping counters exact. */
    async removeByIds(ids: number[]): Promise<number> {
      if (ids.length === 0) return 0;
      const r = reactionTable();
      const removed = await strapi.db.transaction(async ({ trx }) => {
        const rows = await deleteReturning(trx, trx(r.table).whereIn('id', ids), [
          'id',
          r.kind,
          r.targetType,
          r.targetDocumentId,
        ]);
        for (const row of rows) await service.unlink(trx, Number(row.id));
        // Counter rows in one global order (document, then kind), as every other write takes them.
        const ordered = [...rows].sort((a, b) =>
          `${a[r.targetType]}\u0000${a[r.targetDocumentId]}\u0000${a[r.kind]}` <
          `${b[r.targetType]}\u0000${b[r.targetDocumentId]}\u0000${b[r.kind]}`
            ? -1
            : 1
        );
        for (const row of ordered) {
          await adjustCounters(trx, String(row[r.targetType]), String(row[r.targetDocumentId]), [
            { kind: String(row[r.kind]), delta: -1 },
          ]);
        }
        return rows;
      });
      for (const row of removed) {
        const targetUid = String(row[r.targetType]);
        const documentId = String(row[r.targetDocumentId]);
        const tally = (await service.tallies(targetUid, [documentId])).get(documentId) as Tally;
        emit(REACTION_EVENTS.deleted, { target: targetUid, documentId, kind: null, previousKind: String(row[r.kind]), tally });
      }
      return removed.length;
    },

    /** Forgets every reaction of a document that no longer exists in any version. */
    async purgeDocument(targetUid: string, documentId: string): Promise<void> {
      const r = reactionTable();
      const c = counterTable();
      await strapi.db.transaction(async ({ trx }) => {
        const where = { [r.targetType]: targetUid, [r.targetDocumentId]: documentId };
        const ids: Row[] = await trx(r.table).select('id').where(where);
        for (const row of ids) await service.unlink(trx, Number(row.id));
        await trx(r.table).where(where).del();
        await trx(c.table).where({ [c.targetType]: targetUid, [c.targetDocumentId]: documentId }).del();
      });
    },

    /**
     * Recomputes every counter from the reaction rows and repairs any difference.
     * Returns the repairs made; an empty list means counts already equalled rows.
     */
    async reconcile({ repair = true }: { repair?: boolean } = {}): Promise<
      Array<{ target: string; documentId: string; kind: string; counted: number; stored: number }>
    > {
      const r = reactionTable();
      const c = counterTable();
      return strapi.db.transaction(async ({ trx }) => {
        // Take the write lock first (see the SQLite note above); on PostgreSQL block concurrent writers.
        if (isPostgres(strapi)) {
          await trx.raw('LOCK TABLE ?? IN SHARE ROW EXCLUSIVE MODE', [r.table]);
          await trx.raw('LOCK TABLE ?? IN SHARE ROW EXCLUSIVE MODE', [c.table]);
        } else {
          await trx(c.table).where(c.count, '<', -1e12).del();
        }
        const actual: Row[] = await trx(r.table)
          .select(`${r.targetType} as target`, `${r.targetDocumentId} as document_id`, `${r.kind} as kind`)
          .count({ n: '*' })
          .groupBy(r.targetType, r.targetDocumentId, r.kind);
        const stored: Row[] = await trx(c.table).select(
          `${c.targetType} as target`,
          `${c.targetDocumentId} as document_id`,
          `${c.kind} as kind`,
          `${c.count} as count`
        );
        const keyOf = (row: Row) => `${row.target}\u0000${row.document_id}\u0000${row.kind}`;
        const storedByKey = new Map(stored.map((row) => [keyOf(row), row]));
        const repairs: Array<{ target: string; documentId: string; kind: string; counted: number; stored: number }> = [];
        const seen = new Set<string>();
        for (const row of actual) {
          const key = keyOf(row);
          seen.add(key);
          const counted = Number(row.n);
          const current = storedByKey.get(key);
          const storedCount = current ? Number(current.count) : 0;
          if (counted === storedCount) continue;
          repairs.push({ target: String(row.target), documentId: String(row.document_id), kind: String(row.kind), counted, stored: storedCount });
          if (!repair) continue;
          await trx(c.table)
            .insert({ [c.targetType]: row.target, [c.targetDocumentId]: row.document_id, [c.kind]: row.kind, [c.count]: counted })
            .onConflict([c.targetType, c.targetDocumentId, c.kind])
            .merge({ [c.count]: counted });
        }
        for (const row of stored) {
          if (seen.has(keyOf(row)) || Number(row.count) === 0) continue;
          repairs.push({ target: String(row.target), documentId: String(row.document_id), kind: String(row.kind), counted: 0, stored: Number(row.count) });
          if (!repair) continue;
          await trx(c.table)
            .where({ [c.targetType]: row.target, [c.targetDocumentId]: row.document_id, [c.kind]: row.kind })
            .update({ [c.count]: 0 });
        }
        return repairs;
      });
    },
  };

  return service;
};
