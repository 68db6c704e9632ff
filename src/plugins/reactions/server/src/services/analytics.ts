/**
 * The editors' analytics: top stories per window and kind (the trends, with titles), one story's
 * reactions over time, and a CSV of per-story tallies within a window. Counting follows the
 * trends rule: a reaction is placed at the time it was set or last switched.
 */
import type { Core } from '@strapi/strapi';
import type { AnalyticsSeries, AnalyticsTop, TrendWindow } from '../../../shared/contract';
import { getService } from '../utils/services';
import { getKindKeys, labelFieldOf, type Target } from '../utils/settings';
import { WINDOW_MS } from '../utils/trends-query';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Hourly points cover a story's first 48 hours; daily points follow. */
const HOURLY_SPAN = 48 * HOUR;
/** The CSV lists at most this many stories (the most reacted first). */
export const CSV_MAX_ROWS = 10_000;

/** A CSV cell: quoted when needed; a leading = + - @ is defused so spreadsheets never run it. */
const csvCell = (value: string | number): string => {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Which of these documents the asking admin may read (their titles are shown; others' are not). */
export type Readable = (documentIds: string[]) => Promise<Set<string>>;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => getService(strapi, 'store');

  const labels = async (target: Target, documentIds: string[], readable: Readable) => {
    const field = labelFieldOf(strapi, target.uid);
    if (!field) return new Map<string, string>();
    const allowed = await readable(documentIds);
    return store().labels(
      target.uid,
      documentIds.filter((id) => allowed.has(id)),
      field
    );
  };

  const analytics = {
    async top(target: Target, window: TrendWindow, kind: string | null, limit: number, readable: Readable): Promise<AnalyticsTop> {
      const trends = getService(strapi, 'trends');
      const result = await trends.top({ target: target.pluralName, window, kind, limit });
      const titles = await labels(
        target,
        result.data.map((entry) => entry.documentId),
        readable
      );
      return { ...result, data: result.data.map((entry) => ({ ...entry, title: titles.get(entry.documentId) ?? null })) };
    },

    /** Per hour for the story's first 48 hours, then per day (UTC), stacked by kind; 404 for an unknown story. */
    async series(target: Target, documentId: string, readable: Readable): Promise<AnalyticsSeries | null> {
      const created = await store().firstCreatedAt(target.uid, documentId);
      if (!created) return null;
      const now = getService(strapi, 'clock').now();
      const start = new Date(Math.floor(created.getTime() / HOUR) * HOUR);
      const hourlyEnd = new Date(start.getTime() + HOURLY_SPAN);
      const kinds = getKindKeys(strapi);
      const points: AnalyticsSeries['points'] = [];
      const add = (at: number, granularity: 'hour' | 'day') => {
        const point = { at: new Date(at).toISOString(), granularity, total: 0, counts: Object.fromEntries(kinds.map((k) => [k, 0])) };
        points.push(point);
        return point;
      };
      const byStart = new Map<number, (typeof points)[number]>();
      for (let at = start.getTime(); at < Math.min(hourlyEnd.getTime(), now.getTime() + 1); at += HOUR) byStart.set(at, add(at, 'hour'));
      const firstDay = Math.ceil(hourlyEnd.getTime() / DAY) * DAY;
      for (let at = firstDay; at <= now.getTime(); at += DAY) byStart.set(at, add(at, 'day'));
      const hourly = await store().series(target.uid, documentId, start, new Date(firstDay), HOUR);
      // Hours between the 48th and the next midnight stay hourly, so no reaction falls between buckets.
      for (let at = hourlyEnd.getTime(); at < Math.min(firstDay, now.getTime() + 1); at += HOUR) byStart.set(at, add(at, 'hour'));
      const daily = firstDay <= now.getTime() ? await store().series(target.uid, documentId, new Date(firstDay), new Date(now.getTime() + 1), DAY) : [];
      for (const row of [...hourly, ...daily]) {
        const point = byStart.get(row.start);
        if (!point || !(row.kind in point.counts)) continue;
        point.counts[row.kind] += row.count;
        point.total += row.count;
      }
      points.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const titles = await labels(target, [documentId], readable);
      return { documentId, title: titles.get(documentId) ?? null, start: start.toISOString(), until: now.toISOString(), kinds, points };
    },

    /** Per-story tallies within the window, most reacted first: `documentId,title,total,<kind>...`. */
    async csv(target: Target, window: TrendWindow, readable: Readable): Promise<string> {
      const until = getService(strapi, 'clock').now();
      const since = new Date(until.getTime() - WINDOW_MS[window]);
      const kinds = getKindKeys(strapi);
      const rows = await store().trending(target, { since, until, kinds, kind: null, limit: CSV_MAX_ROWS });
      const titles = await labels(
        target,
        rows.map((row) => row.documentId),
        readable
      );
      const lines = [['documentId', 'title', 'total', ...kinds].join(',')];
      for (const row of rows) {
        lines.push([row.documentId, titles.get(row.documentId) ?? '', row.total, ...kinds.map((kind) => row.counts[kind])].map(csvCell).join(','));
      }
      return `${lines.join('\r\n')}\r\n`;
    },
  };
  return analytics;
};
