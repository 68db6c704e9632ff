/**
 * A deleted users-permissions user leaves no reaction behind. Every way Strapi deletes a user
 * ends in the database layer's `delete` (users-permissions' `DELETE /api/users/:id` and its
 * GraphQL mutation through the user service, the admin panel through the Document Service), or
 * `deleteMany` for bulk deletes by query; a lifecycle subscriber on the user model covers them
 * all. Inside the Document Service's transaction the reactions go in that same transaction;
 * otherwise right after the user row. Counters stay exact and events follow the commit.
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/services';

const USER_UID = 'plugin::users-permissions.user';

type LifecycleEvent = {
  params: { where?: Record<string, unknown> };
  result?: unknown;
  state: Record<string, unknown>;
};

export const registerUserDeletion = (strapi: Core.Strapi) => {
  if (!strapi.plugin('users-permissions')) return;
  const forget = async (ids: number[]) => {
    for (const id of ids) await getService(strapi, 'ownership').forgetUser(id);
  };
  strapi.db.lifecycles.subscribe({
    models: [USER_UID],
    async afterDelete(event: LifecycleEvent) {
      const id = Number((event.result as { id?: unknown } | null)?.id);
      if (Number.isInteger(id) && id > 0) await forget([id]);
    },
    // deleteMany answers a count only: which users it removes is read before.
    async beforeDeleteMany(event: LifecycleEvent) {
      const users = await strapi.db.query(USER_UID).findMany({ where: event.params.where ?? {}, select: ['id'] });
      event.state.reactionsUserIds = users.map((user: { id: number }) => user.id);
    },
    async afterDeleteMany(event: LifecycleEvent) {
      await forget((event.state.reactionsUserIds as number[] | undefined) ?? []);
    },
  } as unknown as Parameters<typeof strapi.db.lifecycles.subscribe>[0]);
};
