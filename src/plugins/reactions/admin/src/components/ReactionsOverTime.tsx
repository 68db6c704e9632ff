/**
 * One story's reactions over time, stacked by kind (Recharts): hourly bars for its first 48 hours,
 * then daily. The per-kind totals under the chart are what the bars add up to.
 */
import * as React from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { AnalyticsSeries, KindInfo } from '../../../shared/contract';

// One colour per kind position, readable on Strapi's light and dark themes.
const PALETTE = ['#4945ff', '#ee5e52', '#d02b20', '#f29d41', '#b72b1a', '#7b79ff', '#328048', '#0c75af', '#8312d1'];

const tickLabel = (at: string, granularity: 'hour' | 'day') =>
  granularity === 'hour' ? `${at.slice(5, 10)} ${at.slice(11, 13)}h` : at.slice(0, 10);

export const ReactionsOverTime = ({ series, kinds }: { series: AnalyticsSeries; kinds: KindInfo[] }) => {
  const data = series.points.map((point) => ({ label: tickLabel(point.at, point.granularity), ...point.counts }));
  const totals = Object.fromEntries(kinds.map(({ kind }) => [kind, series.points.reduce((sum, point) => sum + (point.counts[kind] ?? 0), 0)]));
  const total = Object.values(totals).reduce((sum, count) => sum + count, 0);
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="reactions-chart" data-total={total}>
      <Box overflow="auto">
        <BarChart width={Math.max(720, data.length * 14)} height={320} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" minTickGap={24} fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Legend />
          {kinds.map(({ kind, label, emoji }, index) => (
            <Bar key={kind} dataKey={kind} name={`${emoji} ${label}`} stackId="kinds" fill={PALETTE[index % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </Box>
      <Flex gap={4} wrap="wrap">
        {kinds.map(({ kind, label, emoji }) => (
          <span key={kind} data-testid={`chart-total-${kind}`} data-count={totals[kind]}>
            <Typography variant="pi">
              {emoji} {label}: {totals[kind]}
            </Typography>
          </span>
        ))}
        <Typography variant="pi" fontWeight="bold" data-testid="chart-total">
          Total: {total}
        </Typography>
      </Flex>
    </Flex>
  );
};
