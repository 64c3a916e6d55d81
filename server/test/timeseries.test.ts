/**
 * The dashboard's rolling time series: events land in 10-second buckets over the
 * last hour, old buckets fall out, memory stays bounded under a flood of clients,
 * and filters narrow every figure. A controlled clock drives it (no waiting).
 */
import type { RequestFinished } from '@toolhost/core/kernel';
import { describe, expect, it } from 'vitest';
import { BUCKET_MS, OTHER_CLIENTS, TimeSeries, WINDOW_BUCKETS } from '../src/observability/timeseries';

const START = 1_800_000_000_000;

function clock() {
  const time = { now: START };
  return { time, series: new TimeSeries(() => time.now) };
}

const request = (overrides: Partial<RequestFinished> = {}): RequestFinished => ({
  transport: 'stateless-http',
  era: 'modern',
  revision: '2026-07-28',
  method: 'tools/list',
  outcome: 'ok',
  durationMs: 10,
  client: { name: 'alpha', version: '1' },
  principalKind: 'anonymous',
  ...overrides,
});

const sum = (values: (number | null)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);

describe('TimeSeries', () => {
  it('answers the last hour as 360 ten-second buckets, newest last', () => {
    const { series } = clock();
    series.requestFinished(request());
    const data = series.series();
    expect(data.times).toHaveLength(WINDOW_BUCKETS);
    expect(data.bucketSeconds).toBe(BUCKET_MS / 1000);
    expect(data.times.at(-1)).toBe(Math.floor(START / BUCKET_MS) * (BUCKET_MS / 1000));
    // One request in the last bucket: 0.1 requests per second.
    expect(data.requestsPerSecond['modern · stateless-http']!.at(-1)).toBe(0.1);
    expect(data.revisions['2026-07-28']!.at(-1)).toBe(1);
  });

  it('drops what is older than an hour, and reuses the slot', () => {
    const { time, series } = clock();
    series.requestFinished(request());
    time.now += (WINDOW_BUCKETS - 1) * BUCKET_MS;
    expect(sum(series.series().revisions['2026-07-28']!)).toBe(1);
    time.now += BUCKET_MS;
    expect(series.series().revisions).toEqual({});
    series.requestFinished(request({ revision: '2025-11-25', era: 'legacy' }));
    expect(Object.keys(series.series().revisions)).toEqual(['2025-11-25']);
  });

  it('computes p50 and p95 per bucket from a bounded histogram', () => {
    const { series } = clock();
    for (let i = 0; i < 95; i++) series.requestFinished(request({ durationMs: 10 }));
    for (let i = 0; i < 5; i++) series.requestFinished(request({ durationMs: 1_000 }));
    const { latencyMs } = series.series();
    const p50 = latencyMs.p50.at(-1)!;
    const p95 = latencyMs.p95.at(-1)!;
    // Bins are a quarter doubling wide: within ~19 % of the truth, never below it.
    expect(p50).toBeGreaterThanOrEqual(10);
    expect(p50).toBeLessThan(12);
    expect(p95).toBeGreaterThanOrEqual(10);
    expect(p95).toBeLessThan(12);
    series.requestFinished(request({ durationMs: 1_000 }));
    expect(series.series().latencyMs.p95.at(-1)!).toBeGreaterThanOrEqual(1_000);
    expect(latencyMs.p50.at(-2)).toBeNull();
  });

  it('filters by client and by plugin (tools learned from the catalog)', () => {
    const { series } = clock();
    series.knowTools([
      { name: 'model_search', plugin: 'models' },
      { name: 'hf_whoami', plugin: 'hub' },
    ]);
    const alpha = { name: 'alpha', version: '1' };
    const beta = { name: 'beta', version: '2' };
    series.requestFinished(request({ client: alpha, method: 'tools/call', tool: 'model_search' }));
    series.requestFinished(
      request({
        client: beta,
        era: 'legacy',
        revision: '2025-06-18',
        transport: 'session-http',
        method: 'tools/call',
        tool: 'hf_whoami',
        outcome: 'error',
      }),
    );
    const all = series.series();
    expect(all.choices.plugins).toEqual(['hub', 'models']);
    expect(all.choices.clients.map((c) => c.label).sort()).toEqual(['alpha 1', 'beta 2']);
    expect(Object.keys(all.toolCalls)).toEqual(['hub', 'models']);
    expect(all.errorRate.at(-1)).toBe(0.5);

    const betaKey = all.choices.clients.find((c) => c.label === 'beta 2')!.client;
    const onlyBeta = series.series({ client: betaKey });
    expect(Object.keys(onlyBeta.revisions)).toEqual(['2025-06-18']);
    expect(Object.keys(onlyBeta.requestsPerSecond)).toEqual(['legacy · session-http']);
    expect(onlyBeta.errorRate.at(-1)).toBe(1);
    expect(onlyBeta.clients.map((c) => c.label)).toEqual(['beta 2']);
    // The choices stay whole under a filter, so the user can switch.
    expect(onlyBeta.choices.clients).toHaveLength(2);

    series.quotaRefused({ plugin: 'models', tool: 'model_search', plan: 'free' });
    series.quotaRefused({ plugin: 'hub', tool: 'hf_whoami', plan: 'free' });
    expect(sum(series.series().quotaRefusals)).toBe(2);

    const onlyModels = series.series({ plugin: 'models' });
    expect(sum(onlyModels.quotaRefusals)).toBe(1);
    expect(onlyModels.toolCalls).toEqual({ models: expect.any(Array) });
    expect(sum(onlyModels.toolCalls['models']!)).toBe(1);
    expect(onlyModels.clients.map((c) => c.label)).toEqual(['alpha 1']);
  });

  it('counts list changes against re-lists per client, with the median delay', () => {
    const { series } = clock();
    const client = { name: 'relister', version: '1' };
    for (const afterMs of [40, 10, 30]) {
      series.listChangedSent({ list: 'tools', client });
      series.toolsRelisted({ client, afterMs });
    }
    series.listChangedSent({ list: 'prompts', client });
    const data = series.series();
    expect(sum(data.listChanged.sent)).toBe(3);
    expect(sum(data.listChanged.relisted)).toBe(3);
    expect(data.clients[0]!.listChanged).toEqual({ sent: 3, relisted: 3, relistMedianMs: 30 });
  });

  it('charts open sessions and streams, carried through quiet buckets', () => {
    const { time, series } = clock();
    series.sessionOpened({ era: 'legacy', transport: 'session-http', client: {} });
    series.streamOpened({ kind: 'get' });
    series.streamOpened({ kind: 'get' });
    series.streamClosed({ kind: 'get' });
    time.now += 5 * BUCKET_MS;
    const { open } = series.series();
    expect(open.sessions.slice(-6)).toEqual([1, 1, 1, 1, 1, 1]);
    // The bucket of the change shows the most open at once; later ones what stayed open.
    expect(open.streams.slice(-6)).toEqual([2, 1, 1, 1, 1, 1]);
  });

  it('keeps memory bounded under a flood of distinct clients', () => {
    const { series } = clock();
    for (let i = 0; i < 5_000; i++) series.requestFinished(request({ client: { name: `flood-${i}` } }));
    const data = series.series();
    expect(data.choices.clients.length).toBeLessThanOrEqual(51);
    expect(data.choices.clients.map((c) => c.client)).toContain(OTHER_CLIENTS);
    expect(sum(data.requestsPerSecond['modern · stateless-http']!)).toBe(500);
  });
});
