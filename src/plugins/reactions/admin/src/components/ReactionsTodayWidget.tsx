/**
 * Homepage widget "Reactions today": the top three stories of the first target in the last 24
 * hours, each linking to its edit view.
 */
import * as React from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { Flex, Loader, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import type { AnalyticsTop } from '../../../shared/contract';
import { editViewPath, fetchTop } from '../analytics-data';
import { errorMessage, useReactionSettings, type Loadable } from '../data-loading';

const ReactionsTodayWidget = () => {
  const settings = useReactionSettings();
  const { get } = useFetchClient();
  const [top, setTop] = React.useState<Loadable<AnalyticsTop>>({ status: 'loading' });
  const uid = settings?.targets[0]?.uid;

  React.useEffect(() => {
    if (!uid) return;
    let active = true;
    fetchTop(get, uid, '24h', null, 3).then(
      (value) => active && setTop({ status: 'ready', value }),
      (error: unknown) => active && setTop({ status: 'error', message: errorMessage(error) })
    );
    return () => {
      active = false;
    };
  }, [get, uid]);

  if (top.status === 'loading' || !uid) return <Loader small>Loading</Loader>;
  if (top.status === 'error') return <Typography textColor="danger600">{top.message}</Typography>;
  if (top.value.data.length === 0) return <Typography textColor="neutral600">No reactions in the last 24 hours.</Typography>;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="reactions-today">
      {top.value.data.map((entry, index) => (
        <Flex key={entry.documentId} justifyContent="space-between" gap={2}>
          <RouterLink to={editViewPath(uid, entry.documentId)}>
            <Typography textColor="primary600" ellipsis>
              {index + 1}. {entry.title ?? entry.documentId}
            </Typography>
          </RouterLink>
          <Typography fontWeight="bold">{entry.total}</Typography>
        </Flex>
      ))}
    </Flex>
  );
};

export default ReactionsTodayWidget;
