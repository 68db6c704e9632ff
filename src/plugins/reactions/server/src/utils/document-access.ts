/**
 * The Content Manager's per-document conditions (e.g. an Author's "is creator"), applied to the
 * plugin's admin answers: an admin only sees titles and tallies of the documents they may read,
 * and changes a document's reaction settings only with update rights on every locale and
 * version of it. The Content Manager's own permission checker decides, as it does for its views.
 */
import type { Core } from '@strapi/strapi';

type Checker = { can: { read: (entity: unknown) => boolean; update: (entity: unknown) => boolean } };
type CheckerFactory = { create: (options: { userAbility: unknown; model: string }) => Checker };
type Row = { documentId: string };

const checkerFor = (strapi: Core.Strapi, userAbility: unknown, uid: string): Checker =>
  (strapi.plugin('content-manager').service('permission-checker') as CheckerFactory).create({ userAbility, model: uid });

/** Every version and locale of the documents, with what conditions look at. */
const rowsOf = async (strapi: Core.Strapi, uid: string, documentIds: string[]): Promise<Row[]> =>
  documentIds.length === 0
    ? []
    : ((await strapi.db.query(uid as never).findMany({ where: { documentId: { $in: documentIds } }, populate: ['createdBy'] })) as Row[]);

/** The documents (of those asked) at least one version or locale of which the admin may read. */
export const readableDocuments = async (strapi: Core.Strapi, userAbility: unknown, uid: string, documentIds: string[]): Promise<Set<string>> => {
  const checker = checkerFor(strapi, userAbility, uid);
  const rows = await rowsOf(strapi, uid, documentIds);
  return new Set(rows.filter((row) => checker.can.read(row)).map((row) => row.documentId));
};

/** Whether the document exists, and whether the admin may update every version and locale of it. */
export const mayUpdateWholeDocument = async (
  strapi: Core.Strapi,
  userAbility: unknown,
  uid: string,
  documentId: string
): Promise<'missing' | 'allowed' | 'forbidden'> => {
  const rows = await rowsOf(strapi, uid, [documentId]);
  if (rows.length === 0) return 'missing';
  const checker = checkerFor(strapi, userAbility, uid);
  return rows.every((row) => checker.can.update(row)) ? 'allowed' : 'forbidden';
};
