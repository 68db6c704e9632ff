/**
 * Two Strapi server processes on one database. On PostgreSQL every write on one instance drops
 * the cached tally on the other (LISTEN/NOTIFY) and reaches the other's live streams (coalesced to
 * one event per second per document, the last state always sent); a dropped listener connection comes back and the cache is cleared, so a lost
 * notification cannot outlive the max-age. On SQLite (in-process notifications only) the other
 * instance's cache is bounded by the max-age.
 */
import { Client } from "pg";
import {
  createTestDatabase,
  isPostgres,
  type TestDatabase,
} from "./helpers/database";
import {
  startServerProcess,
  type ServerProcess,
} from "./helpers/server-process";
import { bootStrapi } from "./helpers/strapi";
import { createArticle } from "./helpers/content";
import { openSse, talliesOf, type SseStream } from "./helpers/sse";
import { describeOn } from "./helpers/requirements";

const LISTENER = "reactions-change-feed";

let database: TestDatabase;
let first: ServerProcess;
let second: ServerProcess;
let articles: string[] = [];
const streams: SseStream[] = [];

const pgClient = async () => {
  const client = new Client({
    host: process.env.DATABASE_HOST || "127.0.0.1",
    port: Number(process.env.DATABASE_PORT || 5432),
    user: process.env.DATABASE_USERNAME || "strapi",
    password: process.env.DATABASE_PASSWORD || "strapi",
    database: database.name,
  });
  await client.connect();
  return client;
};

const tallyOf = async (url: string, documentId: string) => {
  const res = await fetch(`${url}/api/articles/${documentId}/reactions`);
  return {
    status: res.status,
    cacheControl: res.headers.get("cache-control"),
    data: (
      (await res.json()) as {
        data: { total: number; counts: Record<string, number> };
      }
    ).data,
  };
};

const react = async (
  url: string,
  documentId: string,
  kind: string,
  token?: string,
) => {
  const res = await fetch(`${url}/api/articles/${documentId}/reactions`, {
    method: "PUT",
    headers: {
      "Content-Type": "application/json",
      ...(token ? { "X-Reactor-Token": token } : {}),
    },
    body: JSON.stringify({ data: { kind } }),
  });
  expect(res.status).toBeLessThan(300);
  return res.headers.get("x-reactor-token") ?? token;
};

/** Polls until `check` holds (no fixed sleep); fails after `timeoutMs`. */
const eventually = async <T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs: number,
): Promise<{ value: T; elapsed: number }> => {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (check(value)) return { value, elapsed: Date.now() - started };
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `condition not met within ${timeoutMs} ms; last: ${JSON.stringify(value)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

// A long max-age: an invalidation that arrives quickly can only come from the change feed.
const MAX_AGE = isPostgres() ? 60 : 2;

beforeAll(async () => {
  database = await createTestDatabase("live2");
  const seeding = await bootStrapi(database);
  articles = [
    await createArticle(seeding.strapi),
    await createArticle(seeding.strapi),
    await createArticle(seeding.strapi),
  ];
  await seeding.stop({ keepDatabase: true });
  const env = { ...database.env, REACTIONS_TALLY_MAX_AGE: String(MAX_AGE) };
  [first, second] = await Promise.all([
    startServerProcess(env),
    startServerProcess(env),
  ]);
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await Promise.all([first?.stop(), second?.stop()]);
  await database?.drop();
});

// Each database runs its own group: the feed is LISTEN/NOTIFY on one, in-process on the other.
describeOn('postgres', 'two instances on PostgreSQL', () => {
  it("each instance holds exactly one listener connection", async () => {
    const client = await pgClient();
    try {
      const { rows } = await client.query(
        "select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = $2",
        [LISTENER, database.name],
      );
      expect(rows[0].n).toBe(2);
    } finally {
      await client.end();
    }
  });

  it("a write on one instance drops the cached tally on the other well within the max-age", async () => {
    const id = articles[0];
    const warm = await tallyOf(second.url, id);
    expect(warm.cacheControl).toMatch(
      new RegExp(`^public, max-age=(${MAX_AGE}|${MAX_AGE - 1}),`),
    );
    await react(first.url, id, "love");
    // Only the change feed can be this early: the entry itself would live for MAX_AGE seconds.
    const { value, elapsed } = await eventually(
      () => tallyOf(second.url, id),
      (t) => t.data.counts.love === 1,
      MAX_AGE * 1000,
    );
    expect(value.data.total).toBe(1);
    expect(elapsed).toBeLessThan(MAX_AGE * 1000);
  });

  it("streams each write on one instance to the other instance's subscribers, last state included", async () => {
    const id = articles[1];
    const onSecond = await openSse(
      `${second.url}/api/reaction-stream?documentIds=${id}`,
    );
    const onFirst = await openSse(
      `${first.url}/api/reaction-stream?documentIds=${id}`,
    );
    streams.push(onSecond, onFirst);
    await onSecond.waitFor(() => talliesOf(onSecond, id).length === 1);
    await onFirst.waitFor(() => talliesOf(onFirst, id).length === 1);
    let token: string | null | undefined;
    // No speed bound here (that is the bench's business): each write's final state must arrive,
    // on both instances, whichever took it; at most a second later when it is coalesced.
    for (const [i, kind] of ["like", "wow", "sad"].entries()) {
      token = await react(
        i % 2 === 0 ? first.url : second.url,
        id,
        kind,
        token ?? undefined,
      );
      await onSecond.waitFor(() =>
        talliesOf(onSecond, id).some(
          (t) => t.counts[kind] === 1 && t.total === 1,
        ),
      );
      await onFirst.waitFor(() =>
        talliesOf(onFirst, id).some(
          (t) => t.counts[kind] === 1 && t.total === 1,
        ),
      );
    }
    for (const event of [...onSecond.events, ...onFirst.events])
      expect(JSON.parse(event.data)).not.toHaveProperty("mine");
  });

  it("recovers from a dropped listener connection and clears its cache, so a lost notification does not stick", async () => {
    const id = articles[2];
    const client = await pgClient();
    try {
      // Cache the tally on the second instance.
      expect((await tallyOf(second.url, id)).data.total).toBe(0);
      // A change the second instance never hears of: the counter edited behind the change feed's back.
      await client.query(
        `insert into reader_reaction_counters (target_type, target_document_id, kind, count) values ('api::article.article', $1, 'funny', 5) on conflict (target_type, target_document_id, kind) do update set count = 5`,
        [id],
      );
      expect((await tallyOf(second.url, id)).data.total).toBe(0);

      const pidsOf = async () =>
        (
          await client.query(
            "select pid from pg_stat_activity where application_name = $1 and datname = $2 order by pid",
            [LISTENER, database.name],
          )
        ).rows.map((row: { pid: number }) => row.pid);
      const before = await pidsOf();
      expect(before).toHaveLength(2);
      // Drop every listener (which one is the second instance's is not visible from here).
      for (const pid of before)
        await client.query("select pg_terminate_backend($1)", [pid]);
      const { elapsed } = await eventually(
        () => tallyOf(second.url, id),
        (t) => t.data.total === 5,
        10000,
      );
      expect(elapsed).toBeLessThan(MAX_AGE * 1000);
      const after = await eventually(
        pidsOf,
        (pids) =>
          pids.length === 2 && pids.every((pid) => !before.includes(pid)),
        10000,
      );
      expect(after.value).toHaveLength(2);
      // And notifications flow again.
      await react(first.url, id, "angry");
      await eventually(
        () => tallyOf(second.url, id),
        (t) => t.data.counts.angry === 1,
        2000,
      );
    } finally {
      await client.end();
    }
  });
});

describeOn('sqlite', 'two instances on SQLite', () => {
  it("a write on one instance reaches the other's public read within the max-age", async () => {
    const id = articles[0];
    expect((await tallyOf(second.url, id)).data.total).toBe(0);
    await react(first.url, id, "love");
    const { elapsed } = await eventually(
      () => tallyOf(second.url, id),
      (t) => t.data.counts.love === 1,
      MAX_AGE * 1000 + 1500,
    );
    expect(elapsed).toBeLessThanOrEqual(MAX_AGE * 1000 + 500);
  });
});
