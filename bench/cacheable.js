/**
 * The "Cacheable and live tallies" part of `npm run bench` (called from run.js, same servers,
 * same alternating rounds):
 *   5. a warm public tally read vs GET /api/articles/:documentId         (goal >= 2.0)
 *   6. a 304 revalidation (If-None-Match) vs GET /api/articles/:documentId (goal >= 2.5)
 *   7. reaction PUT from new readers (each mints a token) vs GET one article (goal >= 0.9 on PostgreSQL)
 *   8. live (PostgreSQL, two instances): 1,000 stream subscribers split across both, 50 writes/s on
 *      one story through the first; every subscriber must see every change; p50/p99 delivery latency
 *      (goal p99 < 1 s) and server memory per subscriber.
 * The list with tallies vs without (goal >= 0.95) is run.js's first pair.
 */
'use strict';

const fs = require('fs');
const http = require('http');
const { performance } = require('perf_hooks');

const rssOf = (pid) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
};

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
};

/** Pairs 5-7: ratios of req/s, B over A. */
const cacheablePairs = async ({ pair, server, documentId, tallyId, usePostgres }) => {
  const findOne = { label: 'GET /api/articles/:id', options: () => ({ url: `${server.url}/api/articles/${documentId}` }) };
  const tallyUrl = `${server.url}/api/articles/${tallyId}/reactions`;
  const etag = (await fetch(tallyUrl)).headers.get('etag');
  const pairs = [];
  pairs.push({
    ...(await pair('warm public tally read vs GET one article (req/s ratio, goal >= 2.0)', findOne, {
      label: 'GET tally (public, warm)',
      options: () => ({ url: tallyUrl }),
    })),
    goal: '>= 2.0',
    met: (r) => r >= 2.0,
  });
  pairs.push({
    ...(await pair('304 revalidation vs GET one article (req/s ratio, goal >= 2.5)', findOne, {
      label: 'GET tally, If-None-Match (304)',
      expectStatus: 304,
      options: () => ({ url: tallyUrl, headers: { 'if-none-match': etag } }),
    })),
    goal: '>= 2.5',
    met: (r) => r >= 2.5,
  });
  pairs.push({
    ...(await pair(`PUT from new readers vs GET one article (req/s ratio, goal >= 0.9${usePostgres ? '' : ', PostgreSQL'})`, findOne, {
      label: 'PUT reaction, new reader',
      options: () => ({
        url: `${server.url}/api/articles/${documentId}/reactions`,
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { kind: 'wow' } }),
      }),
    })),
    goal: '>= 0.9',
    met: (r) => r >= 0.9,
  });
  // autocannon counts 201 as 2xx; every PUT here creates a reader and a reaction.
  return pairs.map((p) => ({ ...p, ratio: p.b.requestsPerSecond / p.a.requestsPerSecond }));
};

/** Opens one SSE subscriber; calls onTally(total, receivedAt) for each tally event. */
const subscribe = (url, onTally) =>
  new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        const receivedAt = performance.now();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (/^event: tally$/m.test(block) && data) onTally(JSON.parse(data[1]).total, receivedAt);
          end = buffer.indexOf('\n\n');
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', reject);
  });

/** 8: 1,000 subscribers across the instances, 50 writes/s on one story for `seconds`. */
const liveBench = async ({ servers, documentId, subscribers = 1000, writesPerSecond = 50, seconds = 10, log }) => {
  const base = await (await fetch(`${servers[0].url}/api/articles/${documentId}/reactions`)).json();
  const startTotal = base.data.total;
  const rssBefore = servers.map((s) => rssOf(s.child.pid));
  const sentAt = new Map(); // total after write n -> when its PUT was sent
  const seen = []; // per subscriber: highest total seen
  const latencies = [];
  const closers = [];
  for (let i = 0; i < subscribers; i += 1) {
    const index = i;
    seen.push(startTotal);
    const server = servers[i % servers.length];
    closers.push(
      await subscribe(`${server.url}/api/reaction-stream?documentIds=${documentId}`, (total, receivedAt) => {
        // A change folded into a later one still counts as delivered, with the later one's latency.
        for (let t = seen[index] + 1; t <= total; t += 1) if (sentAt.has(t)) latencies.push(receivedAt - sentAt.get(t));
        if (total > seen[index]) seen[index] = total;
      })
    );
  }
  const rssAfter = servers.map((s) => rssOf(s.child.pid));
  log(`  ${subscribers} subscribers connected; writing ${writesPerSecond}/s for ${seconds}s...`);
  const writes = writesPerSecond * seconds;
  let acknowledged = 0;
  const started = performance.now();
  const inflight = [];
  for (let n = 1; n <= writes; n += 1) {
    const due = started + ((n - 1) * 1000) / writesPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // New readers: each write adds one reaction, so the tally's total numbers the changes.
    sentAt.set(startTotal + n, performance.now());
    inflight.push(
      fetch(`${servers[0].url}/api/articles/${documentId}/reactions`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { kind: 'like' } }),
      }).then((res) => {
        if (res.status === 201) acknowledged += 1;
      })
    );
  }
  await Promise.all(inflight);
  const finalTotal = startTotal + writes;
  const deadline = performance.now() + 5000;
  while (seen.some((total) => total < finalTotal) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const close of closers) close();
  const complete = seen.filter((total) => total >= finalTotal).length;
  const sentTotal = [...sentAt.keys()].length;
  return {
    subscribers,
    instances: servers.length,
    writes,
    acknowledged,
    subscribersWithEveryChange: complete,
    deliveries: latencies.length,
    expectedDeliveries: subscribers * sentTotal,
    p50: Number(percentile(latencies, 50).toFixed(1)),
    p99: Number(percentile(latencies, 99).toFixed(1)),
    max: Number(latencies.reduce((a, b) => (b > a ? b : a), 0).toFixed(1)),
    memoryPerSubscriberKiB: Number(((rssAfter.reduce((a, b) => a + b, 0) - rssBefore.reduce((a, b) => a + b, 0)) / subscribers / 1024).toFixed(1)),
    met: complete === subscribers && percentile(latencies, 99) < 1000,
  };
};

module.exports = { cacheablePairs, liveBench };
