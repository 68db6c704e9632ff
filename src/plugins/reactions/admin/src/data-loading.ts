/**
 * Data for the panel and the list column, from the plugin's admin routes (GET /reactions/settings
 * and /reactions/tallies, see server/src/routes/admin.ts) through the admin's own fetch client
 * (it carries the admin session and refreshes it). The panel uses its component's client
 * (useFetchClient); shared loads use getFetchClient, so that one component unmounting cannot
 * abort what others wait for.
 */
import * as React from 'react';
import { getFetchClient, type FetchClient } from '@strapi/strapi/admin';
import { PLUGIN_ID, type AdminSettings, type AdminTally } from '../../shared/contract';

/** Strapi serves a plugin's admin routes under the plugin's id. */
export const ADMIN_PREFIX = `/${PLUGIN_ID}`;

type Get = FetchClient['get'];

export const fetchTallies = async (get: Get, uid: string, documentIds: string[]): Promise<Map<string, AdminTally>> => {
  const result = new Map<string, AdminTally>();
  if (documentIds.length === 0) return result;
  const { data } = await get<{ data: AdminTally[] }>(`${ADMIN_PREFIX}/tallies`, {
    params: { uid, documentIds: documentIds.join(',') },
  });
  for (const tally of data.data) result.set(tally.documentId, tally);
  return result;
};

/* Kinds and targets come from the plugin's config on the server; one request per admin session. */
let settings: AdminSettings | null = null;
let pendingSettings: Promise<AdminSettings> | null = null;

const loadSettings = (): Promise<AdminSettings> => {
  if (!pendingSettings) {
    // Session-wide, so not tied to the component that happened to ask first (see usePageTallies).
    pendingSettings = getFetchClient().get<{ data: AdminSettings }>(`${ADMIN_PREFIX}/settings`).then(
      ({ data }) => {
        settings = data.data;
        return data.data;
      },
      (error: unknown) => {
        pendingSettings = null; // let the next caller try again
        throw error;
      }
    );
  }
  return pendingSettings;
};

/** Waits before asking again after a failed settings load: a passing network error must not hide the panel for good. */
const SETTINGS_RETRY_MS = [1000, 3000, 10000];

/** The configured kinds and targets, or null while they load (or if they could not be loaded). */
export const useReactionSettings = (): AdminSettings | null => {
  const [value, setValue] = React.useState<AdminSettings | null>(settings);
  const [attempt, setAttempt] = React.useState(0);
  React.useEffect(() => {
    if (value) return;
    let active = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    loadSettings().then(
      (loaded) => active && setValue(loaded),
      () => {
        if (active && attempt < SETTINGS_RETRY_MS.length) retry = setTimeout(() => setAttempt(attempt + 1), SETTINGS_RETRY_MS[attempt]);
      }
    );
    return () => {
      active = false;
      clearTimeout(retry);
    };
  }, [value, attempt]);
  return value;
};

export type Loadable<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; value: T };

export const errorMessage = (error: unknown): string => {
  const response = (error as { response?: { data?: { error?: { message?: string } } } })?.response;
  return response?.data?.error?.message ?? (error instanceof Error ? error.message : 'Could not load reactions');
};

/*
 * The list column: every cell of a page asks for the same batch, keyed by the page's
 * documentIds, so a page costs one request however many rows it has (and however often the
 * list hides and re-shows its rows while it refetches). Batches live as long as the list's table
 * (`scope`): opening the list again starts with fresh tallies.
 */
type Batches = Map<string, Promise<Map<string, AdminTally>>>;
const batchesByScope = new WeakMap<object, Batches>();

export const usePageTallies = (scope: object, uid: string, documentIds: string[]): Loadable<Map<string, AdminTally>> => {
  const key = `${uid}|${documentIds.join(',')}`;
  const [state, setState] = React.useState<{ key: string; loadable: Loadable<Map<string, AdminTally>> }>({
    key,
    loadable: { status: 'loading' },
  });

  React.useEffect(() => {
    let batches = batchesByScope.get(scope);
    if (!batches) {
      batches = new Map();
      batchesByScope.set(scope, batches);
    }
    let batch = batches.get(key);
    if (!batch) {
      // The admin's fetch client, but not a cell's own (useFetchClient): that one aborts its
      // requests when its cell unmounts, and the batch belongs to the whole page.
      const created = fetchTallies(getFetchClient().get, uid, documentIds);
      const owner = batches;
      created.catch(() => {
        if (owner.get(key) === created) owner.delete(key); // a later mount tries again
      });
      batches.set(key, created);
      batch = created;
    }
    let active = true;
    batch.then(
      (value) => active && setState({ key, loadable: { status: 'ready', value } }),
      (error: unknown) => active && setState({ key, loadable: { status: 'error', message: errorMessage(error) } })
    );
    return () => {
      active = false;
    };
    // documentIds is part of key, so it is not a dependency of its own.
  }, [scope, uid, key]);

  return state.key === key ? state.loadable : { status: 'loading' };
};
