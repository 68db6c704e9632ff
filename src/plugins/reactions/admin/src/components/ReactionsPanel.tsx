/**
 * Edit view side panel of every reaction target: the document's tally, loaded fresh each time
 * the document is opened (and on demand), from GET /reactions/tallies.
 */
import * as React from 'react';
import { Box, Flex, Loader, TextButton, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { unstable_useContentManagerContext as useContentManagerContext, useFetchClient } from '@strapi/strapi/admin';
import type { PanelComponent, PanelComponentProps } from '@strapi/content-manager/strapi-admin';
import type { AdminTally, KindInfo } from '../../../shared/contract';
import { errorMessage, fetchTallies, useReactionSettings, type Loadable } from '../data-loading';
import { kindShares, takesReactions } from '../tally-shares';
import { EditorialControls } from './EditorialControls';
import { Emoji } from './Emoji';

const NoReactions = () => (
  <Typography variant="omega" textColor="neutral600" data-testid="reactions-empty">
    No reactions yet
  </Typography>
);

/** A thin bar showing a kind's share of the total. */
const ShareBar = ({ share }: { share: number }) => (
  <Box background="neutral150" hasRadius height="0.4rem" marginTop={1} overflow="hidden" aria-hidden="true">
    <Box background="primary600" height="100%" width={`${share}%`} />
  </Box>
);

const TallyTable = ({ kinds, tally }: { kinds: KindInfo[]; tally: AdminTally }) => (
  <Flex direction="column" alignItems="stretch" gap={2} data-testid="reactions-tally">
    {kindShares(kinds, tally).map(({ kind, label, emoji, count, share }) => (
      <Box key={kind} data-kind={kind} data-count={count} data-share={share}>
        <Flex gap={2} justifyContent="space-between">
          <Typography variant="omega">
            <Emoji symbol={emoji} /> {label}
          </Typography>
          <Typography variant="omega" fontWeight="semiBold" data-testid={`reactions-count-${kind}`}>
            {count} <Typography variant="pi" textColor="neutral600">({share}%)</Typography>
          </Typography>
        </Flex>
        <ShareBar share={share} />
      </Box>
    ))}
    <Flex justifyContent="space-between" paddingTop={2}>
      <Typography variant="omega" fontWeight="bold">
        Total
      </Typography>
      <Typography variant="omega" fontWeight="bold" data-testid="reactions-total">
        {tally.total}
      </Typography>
    </Flex>
    {!tally.published && (
      <Typography variant="pi" textColor="neutral600">
        Not published: readers cannot react right now.
      </Typography>
    )}
  </Flex>
);

const TallyPanelContent = ({ model, documentId, kinds }: { model: string; documentId?: string; kinds: KindInfo[] | null }) => {
  const { get } = useFetchClient();
  const [state, setState] = React.useState<Loadable<AdminTally | null>>({ status: 'loading' });
  const [reloads, setReloads] = React.useState(0);

  React.useEffect(() => {
    if (!documentId) {
      setState({ status: 'ready', value: null });
      return;
    }
    let active = true;
    setState({ status: 'loading' });
    fetchTallies(get, model, [documentId]).then(
      (tallies) => active && setState({ status: 'ready', value: tallies.get(documentId) ?? null }),
      (error: unknown) => active && setState({ status: 'error', message: errorMessage(error) })
    );
    return () => {
      active = false;
    };
  }, [get, model, documentId, reloads]);

  let body: React.ReactNode;
  if (state.status === 'loading' || !kinds) body = <Loader small>Loading reactions</Loader>;
  else if (state.status === 'error') {
    body = (
      <Typography variant="omega" textColor="danger600">
        {state.message}
      </Typography>
    );
  } else if (!state.value || (!state.value.published && state.value.total === 0)) body = <NoReactions />;
  else body = <TallyTable kinds={kinds} tally={state.value} />;

  return (
    <Flex direction="column" alignItems="stretch" gap={3} width="100%" data-testid="reactions-panel">
      {body}
      {documentId && kinds && state.status === 'ready' && state.value && (
        <EditorialControls model={model} documentId={documentId} kinds={kinds} tally={state.value} />
      )}
      {documentId && (
        <Box>
          <TextButton startIcon={<ArrowClockwise />} onClick={() => setReloads((n) => n + 1)} disabled={state.status === 'loading'}>
            Refresh
          </TextButton>
        </Box>
      )}
    </Flex>
  );
};

/**
 * Whether the type takes reactions comes with the edit view's own schema (the server flags
 * targets in `pluginOptions.reactions`), so the panel is there from the first render; the kinds
 * arrive with the plugin's settings, loaded once per session.
 */
export const ReactionsPanel: PanelComponent = ({ model, documentId }: PanelComponentProps) => {
  const { contentType } = useContentManagerContext();
  const settings = useReactionSettings();
  if (!takesReactions(contentType)) return null;
  return {
    title: 'Reactions',
    content: <TallyPanelContent model={model} documentId={documentId} kinds={settings?.kinds ?? null} />,
  };
};
