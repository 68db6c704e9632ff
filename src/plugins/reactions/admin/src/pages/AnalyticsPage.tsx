/**
 * The "Reactions" page (main menu): top stories per window (1h, 24h, 7d, 30d), overall or per
 * kind, each linking to its edit view; one story's reactions over time; CSV export of per-story
 * tallies for the chosen window. "What made readers angry today?" is the menu link, then Angry.
 */
import * as React from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { Box, Button, Flex, Loader, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import type { AnalyticsSeries, AnalyticsTop, TrendWindow } from '../../../shared/contract';
import { WINDOWS, editViewPath, fetchCsv, fetchSeries, fetchTop } from '../analytics-data';
import { errorMessage, useReactionSettings, type Loadable } from '../data-loading';
import { Emoji } from '../components/Emoji';
import { ReactionsOverTime } from '../components/ReactionsOverTime';

const AnalyticsPage = () => {
  const settings = useReactionSettings();
  const { get } = useFetchClient();
  const [uid, setUid] = React.useState<string | null>(null);
  const [window, setWindow] = React.useState<TrendWindow>('24h');
  const [kind, setKind] = React.useState<string | null>(null);
  const [top, setTop] = React.useState<Loadable<AnalyticsTop>>({ status: 'loading' });
  const [story, setStory] = React.useState<string | null>(null);
  const [series, setSeries] = React.useState<Loadable<AnalyticsSeries> | null>(null);
  const [csvError, setCsvError] = React.useState<string | null>(null);

  const target = uid ?? settings?.targets[0]?.uid ?? null;

  React.useEffect(() => {
    if (!target) return;
    let active = true;
    setTop({ status: 'loading' });
    fetchTop(get, target, window, kind).then(
      (value) => active && setTop({ status: 'ready', value }),
      (error: unknown) => active && setTop({ status: 'error', message: errorMessage(error) })
    );
    return () => {
      active = false;
    };
  }, [get, target, window, kind]);

  React.useEffect(() => {
    if (!target || !story) return setSeries(null);
    let active = true;
    setSeries({ status: 'loading' });
    fetchSeries(get, target, story).then(
      (value) => active && setSeries({ status: 'ready', value }),
      (error: unknown) => active && setSeries({ status: 'error', message: errorMessage(error) })
    );
    return () => {
      active = false;
    };
  }, [get, target, story]);

  const downloadCsv = async () => {
    if (!target) return;
    setCsvError(null);
    try {
      const text = await fetchCsv(get, target, window);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      link.download = `reactions-${target.split('.').pop()}-${window}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      setCsvError(errorMessage(error));
    }
  };

  if (!settings) return <Page.Loading />;
  const kinds = settings.kinds;

  return (
    <Page.Main>
      <Page.Title>Reactions</Page.Title>
      <Layouts.Header
        title="Reactions"
        subtitle="What readers react to: top stories by window and kind, one story over time, and the numbers as CSV."
        primaryAction={
          <Button startIcon={<Download />} variant="secondary" onClick={downloadCsv} data-testid="analytics-csv">
            Export CSV ({WINDOWS.find((w) => w.value === window)?.label.toLowerCase()})
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {settings.targets.length > 1 && (
            <Flex gap={2} wrap="wrap" data-testid="analytics-targets">
              {settings.targets.map((t) => (
                <Button key={t.uid} size="S" variant={t.uid === target ? 'default' : 'tertiary'} onClick={() => (setUid(t.uid), setStory(null))}>
                  {t.displayName}
                </Button>
              ))}
            </Flex>
          )}
          <Flex gap={2} wrap="wrap" data-testid="analytics-windows">
            {WINDOWS.map((w) => (
              <Button key={w.value} size="S" variant={w.value === window ? 'default' : 'tertiary'} onClick={() => setWindow(w.value)} data-testid={`window-${w.value}`}>
                {w.label}
              </Button>
            ))}
          </Flex>
          <Flex gap={2} wrap="wrap" data-testid="analytics-kinds">
            <Button size="S" variant={kind === null ? 'default' : 'tertiary'} onClick={() => setKind(null)} data-testid="kind-all">
              All kinds
            </Button>
            {kinds.map((k) => (
              <Button key={k.kind} size="S" variant={kind === k.kind ? 'default' : 'tertiary'} onClick={() => setKind(k.kind)} data-testid={`kind-${k.kind}`}>
                <Emoji symbol={k.emoji} /> {k.label}
              </Button>
            ))}
          </Flex>
          {csvError && (
            <Typography textColor="danger600" data-testid="analytics-csv-error">
              {csvError}
            </Typography>
          )}
          <Box background="neutral0" hasRadius shadow="tableShadow" padding={4}>
            {top.status === 'loading' && <Loader small>Loading top stories</Loader>}
            {top.status === 'error' && <Typography textColor="danger600">{top.message}</Typography>}
            {top.status === 'ready' && top.value.data.length === 0 && (
              <Typography textColor="neutral600" data-testid="analytics-empty">
                No reactions in this window.
              </Typography>
            )}
            {top.status === 'ready' && top.value.data.length > 0 && (
              <Table colCount={kinds.length + 4} rowCount={top.value.data.length + 1} data-testid="analytics-top">
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">#</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Story</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Total</Typography>
                    </Th>
                    {kinds.map((k) => (
                      <Th key={k.kind}>
                        <Typography variant="sigma" title={k.label}>
                          <Emoji symbol={k.emoji} />
                        </Typography>
                      </Th>
                    ))}
                    <Th>
                      <Typography variant="sigma">Over time</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {top.value.data.map((entry, index) => (
                    <Tr key={entry.documentId} data-testid="analytics-row" data-document-id={entry.documentId} data-total={entry.total}>
                      <Td>
                        <Typography>{index + 1}</Typography>
                      </Td>
                      <Td>
                        <RouterLink to={editViewPath(target as string, entry.documentId)} data-testid="analytics-edit-link">
                          <Typography textColor="primary600">{entry.title ?? entry.documentId}</Typography>
                        </RouterLink>
                      </Td>
                      <Td>
                        <Typography fontWeight="bold">{entry.total}</Typography>
                      </Td>
                      {kinds.map((k) => (
                        <Td key={k.kind}>
                          <Typography textColor={entry.counts[k.kind] ? 'neutral800' : 'neutral500'}>{entry.counts[k.kind] ?? 0}</Typography>
                        </Td>
                      ))}
                      <Td>
                        <Button size="S" variant="ghost" onClick={() => setStory(entry.documentId)} data-testid="analytics-show-chart">
                          Chart
                        </Button>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </Box>
          {series && (
            <Box background="neutral0" hasRadius shadow="tableShadow" padding={4}>
              {series.status === 'loading' && <Loader small>Loading the story's reactions</Loader>}
              {series.status === 'error' && <Typography textColor="danger600">{series.message}</Typography>}
              {series.status === 'ready' && (
                <Flex direction="column" alignItems="stretch" gap={2}>
                  <Typography variant="delta" tag="h2">
                    {series.value.title ?? series.value.documentId}: reactions over time
                  </Typography>
                  <Typography variant="pi" textColor="neutral600">
                    Per hour for the first 48 hours, then per day (UTC). A reaction counts when it was set or last switched.
                  </Typography>
                  <ReactionsOverTime series={series.value} kinds={kinds} />
                </Flex>
              )}
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default AnalyticsPage;
