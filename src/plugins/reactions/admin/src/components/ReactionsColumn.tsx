/**
 * List view "Reactions" column of every reaction target: each document's total and its leading
 * kind. The cells of a page share one request (see usePageTallies), built from the rows the
 * list's table holds.
 */
import * as React from 'react';
import { Flex, Loader, Typography } from '@strapi/design-system';
import { useTable } from '@strapi/strapi/admin';
import type { ListFieldLayout, ListLayout } from '@strapi/content-manager/strapi-admin';
import type { KindInfo } from '../../../shared/contract';
import { usePageTallies, useReactionSettings } from '../data-loading';
import { leadingKind } from '../tally-shares';
import { Emoji } from './Emoji';

export const COLUMN_NAME = 'reactions';

const EMPTY_KINDS: KindInfo[] = [];

type Row = { id: string | number; documentId?: string };

const ReactionsCell = ({ model, documentId }: { model: string; documentId: string }) => {
  const rows = useTable('ReactionsCell', (state) => state.rows) as Row[];
  // Stable for as long as the list's table is mounted: the scope of the page's batch.
  const scope = useTable('ReactionsCell', (state) => state.setHasHeaderCheckbox);
  const documentIds = React.useMemo(
    () => [...new Set(rows.map((row) => row.documentId).filter((id): id is string => typeof id === 'string' && id.length > 0))],
    [rows]
  );
  const tallies = usePageTallies(scope, model, documentIds);
  const kinds = useReactionSettings()?.kinds ?? EMPTY_KINDS;

  if (tallies.status === 'loading') return <Loader small>Loading reactions</Loader>;
  if (tallies.status === 'error') {
    return (
      <Typography textColor="danger600" title={tallies.message}>
        –
      </Typography>
    );
  }
  const tally = tallies.value.get(documentId);
  const total = tally?.total ?? 0;
  const leader = tally ? leadingKind(kinds, tally) : null;
  const title = leader ? `${total} reactions, mostly ${leader.label} (${leader.count})` : 'No reactions yet';
  return (
    <Flex gap={1} title={title} data-testid="reactions-cell" data-document-id={documentId} data-total={total} data-leading={leader?.kind ?? ''}>
      <Typography textColor={total > 0 ? 'neutral800' : 'neutral500'} fontWeight={total > 0 ? 'semiBold' : undefined}>
        {total}
      </Typography>
      {leader && (
        <Typography>
          <Emoji symbol={leader.emoji} label={leader.label} />
        </Typography>
      )}
    </Flex>
  );
};

type HookArgs = { displayedHeaders: ListFieldLayout[]; layout: ListLayout };

/** `Admin/CM/pages/ListView/inject-column-in-table`: adds the column on reaction targets only. */
export const addReactionsColumn = ({ displayedHeaders, layout }: HookArgs): HookArgs => {
  const options = (layout?.options ?? {}) as { reactions?: { enabled?: boolean } };
  if (!options.reactions?.enabled || displayedHeaders.some((header) => header.name === COLUMN_NAME)) {
    return { displayedHeaders, layout };
  }
  const column: ListFieldLayout = {
    attribute: { type: 'custom' },
    label: 'Reactions',
    name: COLUMN_NAME,
    searchable: false,
    sortable: false,
    cellFormatter: (row, _header, meta?: unknown) => {
      const { model } = (meta ?? {}) as { model?: string };
      const documentId = (row as Row).documentId;
      return model && documentId ? <ReactionsCell model={model} documentId={documentId} /> : null;
    },
  };
  return { displayedHeaders: [...displayedHeaders, column], layout };
};
