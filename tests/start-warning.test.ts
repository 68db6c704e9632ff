/**
 * The start-up warning about targets the Public role cannot find waits for the project's own
 * bootstrap, which may grant those reads itself: the newsroom grants articles and videos there,
 * so its first start names nothing (tests/permissions-once.test.ts: a project that grants nothing
 * is warned).
 */
import { createTestDatabase } from './helpers/database';
import { bootStrapi } from './helpers/strapi';

describe('the start-up warning in a project that grants its own public reads', () => {
  it('looks after the project\'s bootstrap: the newsroom grants articles and videos there, so nothing is named', async () => {
    const seen: string[] = [];
    const newsroom = await bootStrapi(await createTestDatabase('warning-newsroom'), {
      configure: (strapi) => {
        const warn = strapi.log.warn.bind(strapi.log);
        strapi.log.warn = ((message: unknown, ...rest: unknown[]) => {
          seen.push(String(message));
          return warn(message as string, ...(rest as []));
        }) as typeof strapi.log.warn;
      },
    });
    try {
      expect(seen.filter((line) => line.includes('Public role may not find'))).toEqual([]);
      const role = await newsroom.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' }, populate: ['permissions'] });
      expect((role.permissions as Array<{ action: string }>).map((permission) => permission.action)).toEqual(
        expect.arrayContaining(['api::article.article.find', 'api::video.video.find'])
      );
    } finally {
      await newsroom.stop();
    }
  });
});
