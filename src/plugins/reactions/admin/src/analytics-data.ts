/**
 * Data for the analytics page and the homepage widget, from the plugin's admin routes
 * (GET /reactions/analytics/top, /series and /export; server/src/controllers/analytics.ts).
 */
import type { FetchClient } from '@strapi/strapi/admin';
import type { AnalyticsSeries, AnalyticsTop, TrendWindow } from '../../shared/contract';
import { ADMIN_PREFIX } from './data-loading';

type Get = FetchClient['get'];

export const WINDOWS: Array<{ value: TrendWindow; label: string }> = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

export const fetchTop = async (get: Get, uid: string, window: TrendWindow, kind: string | null, limit = 10): Promise<AnalyticsTop> => {
  const params: Record<string, string> = { uid, window, limit: String(limit) };
  if (kind) params.kind = kind;
  return (await get<AnalyticsTop>(`${ADMIN_PREFIX}/analytics/top`, { params })).data;
};

export const fetchSeries = async (get: Get, uid: string, documentId: string): Promise<AnalyticsSeries> =>
  (await get<{ data: AnalyticsSeries }>(`${ADMIN_PREFIX}/analytics/series`, { params: { uid, documentId } })).data.data;

export const fetchCsv = async (get: Get, uid: string, window: TrendWindow): Promise<string> =>
  (await get(`${ADMIN_PREFIX}/analytics/export`, { params: { uid, window }, responseType: 'text' })).data;

/** The Content Manager's edit view of a document. */
export const editViewPath = (uid: string, documentId: string) => `/content-manager/collection-types/${uid}/${documentId}`;
