import {
  type ClientIdentity,
  clientKey,
  type ListChangedSent,
  type QuotaRefused,
  type RequestFinished,
  type SessionEvent,
  type StreamEvent,
  type Telemetry,
  type ToolCallFinished,
  type ToolsRelisted,
} from '@toolhost/core/kernel';

/** The dashboard's charts: the last hour in 10-second buckets. */
export const BUCKET_MS = 10_000;
export const WINDOW_BUCKETS = 360;
/** Distinct clients kept per bucket; the rest are counted together as OTHER_CLIENTS. */
const MAX_CLIENTS_PER_BUCKET = 50;
export const OTHER_CLIENTS = '(other clients)';
/** Re-list delays kept per client per bucket (for the median). */
const MAX_DELAYS = 64;
/** Clients whose label is remembered, and tools whose plugin is (both bounded). */
const MAX_LABELS = 1_000;
const MAX_TOOLS = 2_000;

/**
 * Latency is kept as a histogram per bucket (bounded memory whatever the traffic):
 * four bins per doubling, so a percentile read back is within ~19 % of the truth.
 */
const BINS_PER_DOUBLING = 4;
const MAX_BIN = 100;
const binOf = (ms: number) =>
  Math.min(MAX_BIN, Math.max(0, Math.floor(Math.log2(ms + 1) * BINS_PER_DOUBLING)));
/** The upper edge of a bin, in milliseconds. */
const binEdge = (bin: number) => Math.round((2 ** ((bin + 1) / BINS_PER_DOUBLING) - 1) * 100) / 100;

/** One client's traffic to one plugin (or to no plugin: every method but tools/call) in one bucket. */
interface Cell {
  readonly client: string;
  readonly plugin: string;
  /** Requests by `era · transport`. */
  readonly requests: Map<string, number>;
  readonly revisions: Map<string, number>;
  errors: number;
  toolCalls: number;
  readonly latency: Map<number, number>;
}

interface Relists {
  sent: number;
  relisted: number;
  readonly delays: number[];
}

interface Bucket {
  readonly start: number;
  readonly cells: Map<string, Cell>;
  readonly clients: Set<string>;
  readonly quotaRefusals: Map<string, number>;
  readonly relists: Map<string, Relists>;
  /** The most open at once in the bucket, and how many were open at its last change. */
  sessions: number;
  streams: number;
  endSessions: number;
  endStreams: number;
}

export interface SeriesFilter {
  /** A client key (as `clients` lists them). */
  client?: string;
  /** A plugin id: only tool calls to its tools. */
  plugin?: string;
}

const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
}

function percentile(histogram: Map<number, number>, p: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const bin of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bin)!;
    if (seen >= rank) return binEdge(bin);
  }
  return null;
}

/** A label for a client on the dashboard: name and version, else its User-Agent. */
export function clientLabel(client: ClientIdentity): string {
  if (client.name) return client.version ? `${client.name} ${client.version}` : client.name;
  return client.userAgent ?? '(unknown client)';
}

/**
 * The dashboard's rolling time series, fed by the kernel's telemetry: a ring of
 * 10-second buckets over the last hour. Memory is bounded whatever the traffic:
 * 360 buckets, each with at most MAX_CLIENTS_PER_BUCKET clients × the plugins, and
 * latency as fixed histograms. Filters (a client, a plugin) are applied when read.
 */
export class TimeSeries implements Telemetry {
  private readonly buckets: (Bucket | undefined)[] = new Array(WINDOW_BUCKETS);
  private readonly labels = new Map<string, string>();
  /** Which plugin each tool belongs to, learned from tool calls (a tools/call request names only the tool). */
  private readonly toolPlugins = new Map<string, string>();
  private sessions = 0;
  private streams = 0;

  constructor(private readonly now: () => number = Date.now) {}

  requestFinished(event: RequestFinished): void {
    const bucket = this.bucket();
    const client = this.clientIn(bucket, event.client);
    const plugin = event.tool !== undefined ? (this.toolPlugins.get(event.tool) ?? '') : '';
    const cellKey = `${client}\n${plugin}`;
    let cell = bucket.cells.get(cellKey);
    if (!cell) {
      cell = {
        client,
        plugin,
        requests: new Map(),
        revisions: new Map(),
        errors: 0,
        toolCalls: 0,
        latency: new Map(),
      };
      bucket.cells.set(cellKey, cell);
    }
    bump(cell.requests, `${event.era ?? 'unknown'} · ${event.transport}`);
    if (event.revision) bump(cell.revisions, event.revision);
    if (event.outcome === 'error' || event.outcome === 'http_error') cell.errors++;
    if (event.method === 'tools/call') cell.toolCalls++;
    const bin = binOf(event.durationMs);
    cell.latency.set(bin, (cell.latency.get(bin) ?? 0) + 1);
  }

  /**
   * The catalog's tools and their plugins, known up front: a tools/call answered as a
   * stream is recorded before its call finishes, so learning from calls alone is late.
   */
  knowTools(tools: readonly { readonly name: string; readonly plugin: string }[]): void {
    for (const tool of tools) this.toolPlugins.set(tool.name, tool.plugin);
  }

  toolCallFinished(event: ToolCallFinished): void {
    if (this.toolPlugins.has(event.tool)) return;
    if (this.toolPlugins.size >= MAX_TOOLS) this.toolPlugins.clear();
    this.toolPlugins.set(event.tool, event.plugin);
  }

  quotaRefused(event: QuotaRefused): void {
    bump(this.bucket().quotaRefusals, event.plugin);
  }

  sessionOpened(_event: SessionEvent): void {
    this.sessions++;
    this.gauge();
  }

  sessionClosed(_event: SessionEvent): void {
    this.sessions = Math.max(0, this.sessions - 1);
    this.gauge();
  }

  streamOpened(_event: StreamEvent): void {
    this.streams++;
    this.gauge();
  }

  streamClosed(_event: StreamEvent): void {
    this.streams = Math.max(0, this.streams - 1);
    this.gauge();
  }

  listChangedSent(event: ListChangedSent): void {
    if (event.list !== 'tools') return;
    const bucket = this.bucket();
    this.relistsOf(bucket, this.clientIn(bucket, event.client)).sent++;
  }

  toolsRelisted(event: ToolsRelisted): void {
    const bucket = this.bucket();
    const relists = this.relistsOf(bucket, this.clientIn(bucket, event.client));
    relists.relisted++;
    if (relists.delays.length < MAX_DELAYS) relists.delays.push(event.afterMs);
  }

  /** The last hour, oldest bucket first, narrowed by the filter: what `GET /api/dashboard/series` answers. */
  series(filter: SeriesFilter = {}) {
    const now = this.now();
    const first = Math.floor(now / BUCKET_MS) * BUCKET_MS - (WINDOW_BUCKETS - 1) * BUCKET_MS;
    const times: number[] = [];
    const requests = new Map<string, number[]>();
    const revisions = new Map<string, number[]>();
    const toolCalls = new Map<string, number[]>();
    const p50: (number | null)[] = [];
    const p95: (number | null)[] = [];
    const errorRate: (number | null)[] = [];
    const quotaRefusals: number[] = [];
    const sessions: number[] = [];
    const streams: number[] = [];
    const listChanged = { sent: [] as number[], relisted: [] as number[] };
    const byClient = new Map<
      string,
      { revisions: Map<string, number>; requests: number; sent: number; relisted: number; delays: number[] }
    >();
    const clients = new Set<string>();
    const plugins = new Set<string>();
    const perSecond = BUCKET_MS / 1000;
    const series = (map: Map<string, number[]>, key: string) => {
      let values = map.get(key);
      if (!values) {
        values = new Array(times.length).fill(0);
        map.set(key, values);
      }
      return values;
    };
    const clientEntry = (client: string) => {
      let entry = byClient.get(client);
      if (!entry) {
        entry = { revisions: new Map(), requests: 0, sent: 0, relisted: 0, delays: [] };
        byClient.set(client, entry);
      }
      return entry;
    };
    // Carried forward through buckets without a change: what was open at the last one.
    let carried = { sessions: 0, streams: 0 };
    for (let index = 0; index < WINDOW_BUCKETS; index++) {
      const start = first + index * BUCKET_MS;
      const bucket = this.at(start);
      const position = times.length;
      times.push(start / 1000);
      for (const list of [requests, revisions, toolCalls]) for (const values of list.values()) values.push(0);
      let count = 0;
      let errors = 0;
      const latency = new Map<number, number>();
      let sent = 0;
      let relisted = 0;
      let refused = 0;
      for (const cell of bucket?.cells.values() ?? []) {
        clients.add(cell.client);
        if (cell.plugin) plugins.add(cell.plugin);
        if (filter.client !== undefined && cell.client !== filter.client) continue;
        if (filter.plugin !== undefined && cell.plugin !== filter.plugin) continue;
        const entry = clientEntry(cell.client);
        for (const [key, n] of cell.requests) {
          series(requests, key)[position]! += n / perSecond;
          count += n;
          entry.requests += n;
        }
        for (const [revision, n] of cell.revisions) {
          series(revisions, revision)[position]! += n;
          bump(entry.revisions, revision, n);
        }
        if (cell.plugin && cell.toolCalls > 0) series(toolCalls, cell.plugin)[position]! += cell.toolCalls;
        errors += cell.errors;
        for (const [bin, n] of cell.latency) latency.set(bin, (latency.get(bin) ?? 0) + n);
      }
      for (const [client, relists] of bucket?.relists ?? []) {
        clients.add(client);
        if (filter.client !== undefined && client !== filter.client) continue;
        // List changes are about every tool, not one plugin's: a plugin filter leaves them as they are.
        const entry = clientEntry(client);
        entry.sent += relists.sent;
        entry.relisted += relists.relisted;
        entry.delays.push(...relists.delays);
        sent += relists.sent;
        relisted += relists.relisted;
      }
      for (const [plugin, n] of bucket?.quotaRefusals ?? []) {
        plugins.add(plugin);
        if (filter.plugin === undefined || filter.plugin === plugin) refused += n;
      }
      const current = start + BUCKET_MS > now;
      const gauges = bucket ? { sessions: bucket.sessions, streams: bucket.streams } : carried;
      if (bucket) carried = { sessions: bucket.endSessions, streams: bucket.endStreams };
      if (current) {
        gauges.sessions = Math.max(gauges.sessions, this.sessions);
        gauges.streams = Math.max(gauges.streams, this.streams);
      }
      p50.push(percentile(latency, 50));
      p95.push(percentile(latency, 95));
      errorRate.push(count === 0 ? null : Math.round((errors / count) * 1000) / 1000);
      quotaRefusals.push(refused);
      sessions.push(gauges.sessions);
      streams.push(gauges.streams);
      listChanged.sent.push(sent);
      listChanged.relisted.push(relisted);
    }
    const round = (map: Map<string, number[]>) =>
      Object.fromEntries(
        [...map]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, values]) => [key, values.map((v) => Math.round(v * 1000) / 1000)]),
      );
    const label = (client: string) => this.labels.get(client) ?? client;
    return {
      bucketSeconds: BUCKET_MS / 1000,
      filter: { client: filter.client ?? null, plugin: filter.plugin ?? null },
      times,
      requestsPerSecond: round(requests),
      latencyMs: { p50, p95 },
      errorRate,
      toolCalls: round(toolCalls),
      quotaRefusals,
      open: { sessions, streams },
      revisions: round(revisions),
      listChanged,
      // Under a plugin filter, only the clients that called its tools (list changes concern every tool).
      clients: [...byClient]
        .filter(([, entry]) => filter.plugin === undefined || entry.requests > 0)
        .map(([client, entry]) => ({
          client,
          label: label(client),
          requests: entry.requests,
          revisions: Object.fromEntries([...entry.revisions].sort(([a], [b]) => b.localeCompare(a))),
          listChanged: {
            sent: entry.sent,
            relisted: entry.relisted,
            relistMedianMs: median(entry.delays),
          },
        }))
        .sort((a, b) => b.requests - a.requests),
      /** Every client and plugin seen in the window, for the filters (whatever the filter). */
      choices: {
        clients: [...clients].map((client) => ({ client, label: label(client) })),
        plugins: [...plugins].sort(),
      },
    };
  }

  /** The bucket for now, replacing the one an hour old in its slot. */
  private bucket(): Bucket {
    const start = Math.floor(this.now() / BUCKET_MS) * BUCKET_MS;
    const slot = (start / BUCKET_MS) % WINDOW_BUCKETS;
    let bucket = this.buckets[slot];
    if (!bucket || bucket.start !== start) {
      bucket = {
        start,
        cells: new Map(),
        clients: new Set(),
        quotaRefusals: new Map(),
        relists: new Map(),
        sessions: this.sessions,
        streams: this.streams,
        endSessions: this.sessions,
        endStreams: this.streams,
      };
      this.buckets[slot] = bucket;
    }
    return bucket;
  }

  private at(start: number): Bucket | undefined {
    const bucket = this.buckets[(start / BUCKET_MS) % WINDOW_BUCKETS];
    return bucket?.start === start ? bucket : undefined;
  }

  /** The client's key in this bucket; past the bucket's limit, OTHER_CLIENTS. */
  private clientIn(bucket: Bucket, identity: ClientIdentity): string {
    const key = clientKey(identity);
    if (!bucket.clients.has(key)) {
      if (bucket.clients.size >= MAX_CLIENTS_PER_BUCKET) return OTHER_CLIENTS;
      bucket.clients.add(key);
    }
    if (!this.labels.has(key)) {
      if (this.labels.size >= MAX_LABELS) this.labels.delete(this.labels.keys().next().value as string);
      this.labels.set(key, clientLabel(identity));
    }
    return key;
  }

  private relistsOf(bucket: Bucket, client: string): Relists {
    let relists = bucket.relists.get(client);
    if (!relists) {
      relists = { sent: 0, relisted: 0, delays: [] };
      bucket.relists.set(client, relists);
    }
    return relists;
  }

  /** Open sessions and streams, as the highest count seen in the bucket. */
  private gauge(): void {
    const bucket = this.bucket();
    bucket.sessions = Math.max(bucket.sessions, this.sessions);
    bucket.streams = Math.max(bucket.streams, this.streams);
    bucket.endSessions = this.sessions;
    bucket.endStreams = this.streams;
  }
}

export type DashboardSeries = ReturnType<TimeSeries['series']>;
