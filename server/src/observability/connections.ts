import {
  type AuthOutcome,
  type ClientIdentity,
  clientKey,
  type ListChangedSent,
  type QuotaRefused,
  type RequestFinished,
  type SelectionSize,
  type SessionEvent,
  type StreamEvent,
  type Telemetry,
  type ToolCallFinished,
  type ToolsRelisted,
  type UpstreamCallFinished,
} from '@toolhost/core/kernel';
import { methodLabel, ServiceLabels } from './labels';

/** Latency samples kept per method, tool or service: the dashboard's p50/p95 are over the most recent ones. */
const SAMPLES = 512;

/** A fixed-size ring of recent durations, with percentiles over what it holds. */
class Samples {
  private readonly values: number[] = [];
  private next = 0;

  add(value: number): void {
    if (this.values.length < SAMPLES) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % SAMPLES;
  }

  percentile(p: number): number | null {
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

interface Stat {
  count: number;
  errors: number;
  readonly latency: Samples;
}

const newStat = (): Stat => ({ count: 0, errors: 0, latency: new Samples() });

/** The stat under `key`, created on first use. */
function statOf(stats: Map<string, Stat>, key: string): Stat {
  let stat = stats.get(key);
  if (!stat) {
    stat = newStat();
    stats.set(key, stat);
  }
  return stat;
}

function statSummary(stat: Stat) {
  return {
    count: stat.count,
    errors: stat.errors,
    errorRate: stat.count === 0 ? 0 : round(stat.errors / stat.count),
    p50Ms: stat.latency.percentile(50),
    p95Ms: stat.latency.percentile(95),
  };
}

interface ClientRecord {
  readonly name?: string;
  readonly version?: string;
  userAgent?: string;
  readonly eras: Set<string>;
  /** Protocol revisions it made requests in (a bounded set: only revisions the server serves). */
  readonly revisions: Set<string>;
  readonly transports: Set<string>;
  readonly methods: Map<string, number>;
  requests: number;
  errors: number;
  firstSeen: number;
  lastSeen: number;
  listChangedSent: number;
  relists: number;
  readonly relistDelay: Samples;
  /** What its latest tools/list answer listed (its tokens filled in once counted). */
  selection?: SelectionSize;
}

export interface ConnectionRecordsOptions {
  /** How many client implementations are remembered (least recently seen are dropped). */
  maxClients?: number;
}

/**
 * In-memory connection records for the dashboard: per client implementation
 * (clientInfo name/version, else User-Agent) the eras and transports it used, its
 * requests and errors, the size of its latest tools/list answer (tools, tokens), and how it answers tools/list_changed; plus per-method,
 * per-tool and per-upstream latency. Every map is bounded: clients by an LRU, the
 * rest by the bounded label sets of the metrics.
 */
export class ConnectionRecords implements Telemetry {
  private readonly clients = new Map<string, ClientRecord>();
  /** The key of the last entry of `clients` (the most recently seen client). */
  private newestKey: string | undefined;
  private readonly maxClients: number;
  private readonly methods = new Map<string, Stat>();
  private readonly tools = new Map<
    string,
    Stat & { plugin: string; tool: string; outcomes: Map<string, number> }
  >();
  private readonly quota = new Map<string, { plugin: string; tool: string; plan: string; count: number }>();
  private readonly upstream = new Map<string, Stat>();
  private readonly services = new ServiceLabels();
  private readonly auth = { anonymous: 0, authenticated: 0, rejected: 0, unverified: 0 };
  private readonly open = { sessions: 0, streams: 0 };
  private readonly started = Date.now();

  constructor(options: ConnectionRecordsOptions = {}) {
    this.maxClients = options.maxClients ?? 500;
  }

  requestFinished(event: RequestFinished): void {
    const failed = event.outcome === 'error' || event.outcome === 'http_error';
    const method = methodLabel(event.method);
    const stat = statOf(this.methods, method);
    stat.count++;
    if (failed) stat.errors++;
    stat.latency.add(event.durationMs);

    const client = this.client(event.client);
    if (event.era) client.eras.add(event.era);
    if (event.revision) client.revisions.add(event.revision);
    client.transports.add(event.transport);
    client.methods.set(method, (client.methods.get(method) ?? 0) + 1);
    client.requests++;
    if (failed) client.errors++;
    if (event.selection) client.selection = event.selection;
  }

  toolCallFinished(event: ToolCallFinished): void {
    const key = `${event.plugin}\n${event.tool}`;
    let stat = this.tools.get(key);
    if (!stat) {
      stat = { ...newStat(), plugin: event.plugin, tool: event.tool, outcomes: new Map() };
      this.tools.set(key, stat);
    }
    stat.count++;
    if (event.outcome !== 'ok') stat.errors++;
    stat.outcomes.set(event.outcome, (stat.outcomes.get(event.outcome) ?? 0) + 1);
    stat.latency.add(event.durationMs);
  }

  quotaRefused(event: QuotaRefused): void {
    const key = `${event.plugin}\n${event.tool}\n${event.plan}`;
    const entry = this.quota.get(key) ?? {
      plugin: event.plugin,
      tool: event.tool,
      plan: event.plan,
      count: 0,
    };
    entry.count++;
    this.quota.set(key, entry);
  }

  authenticated(event: AuthOutcome): void {
    this.auth[event.outcome]++;
  }

  sessionOpened(event: SessionEvent): void {
    this.open.sessions++;
    const client = this.client(event.client);
    client.eras.add(event.era);
    client.transports.add(event.transport);
  }

  sessionClosed(_event: SessionEvent): void {
    this.open.sessions = Math.max(0, this.open.sessions - 1);
  }

  streamOpened(_event: StreamEvent): void {
    this.open.streams++;
  }

  streamClosed(_event: StreamEvent): void {
    this.open.streams = Math.max(0, this.open.streams - 1);
  }

  listChangedSent(event: ListChangedSent): void {
    if (event.list === 'tools') this.client(event.client).listChangedSent++;
  }

  toolsRelisted(event: ToolsRelisted): void {
    const client = this.client(event.client);
    client.relists++;
    client.relistDelay.add(event.afterMs);
  }

  upstreamCall(event: UpstreamCallFinished): void {
    const service = this.services.label(event.service);
    const stat = statOf(this.upstream, service);
    stat.count++;
    if (event.outcome !== 'ok') stat.errors++;
    stat.latency.add(event.durationMs);
  }

  /** What `GET /api/dashboard` answers. */
  summary() {
    const clients = [...this.clients.values()].reverse().map((c) => ({
      name: c.name ?? null,
      version: c.version ?? null,
      userAgent: c.userAgent ?? null,
      eras: [...c.eras].sort(),
      revisions: [...c.revisions].sort().reverse(),
      transports: [...c.transports].sort(),
      requests: c.requests,
      errors: c.errors,
      methods: Object.fromEntries(c.methods),
      firstSeen: new Date(c.firstSeen).toISOString(),
      lastSeen: new Date(c.lastSeen).toISOString(),
      // The size of its latest tools/list answer: how many tools, and their tokens (null until counted).
      selection: c.selection ? { tools: c.selection.tools, tokens: c.selection.tokens ?? null } : null,
      listChanged: {
        sent: c.listChangedSent,
        relisted: c.relists,
        relistP50Ms: c.relistDelay.percentile(50),
      },
    }));
    const sortByCount = <T extends { count: number }>(items: T[]) => items.sort((a, b) => b.count - a.count);
    const tools = sortByCount(
      [...this.tools.values()].map((t) => ({
        plugin: t.plugin,
        tool: t.tool,
        ...statSummary(t),
        outcomes: Object.fromEntries(t.outcomes),
      })),
    );
    const plugins = new Map<string, { plugin: string; count: number; errors: number }>();
    for (const t of tools) {
      const entry = plugins.get(t.plugin) ?? { plugin: t.plugin, count: 0, errors: 0 };
      entry.count += t.count;
      entry.errors += t.errors;
      plugins.set(t.plugin, entry);
    }
    const quota = sortByCount([...this.quota.values()].map((q) => ({ ...q })));
    return {
      generatedAt: new Date().toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
      clients,
      methods: sortByCount([...this.methods].map(([method, stat]) => ({ method, ...statSummary(stat) }))),
      tools,
      plugins: sortByCount([...plugins.values()]),
      quotaRefusals: { total: quota.reduce((sum, q) => sum + q.count, 0), byTool: quota },
      auth: { ...this.auth },
      open: { ...this.open },
      upstream: sortByCount([...this.upstream].map(([service, stat]) => ({ service, ...statSummary(stat) }))),
    };
  }

  /** The record of a client, created if new and moved to the most recently seen end. */
  private client(identity: ClientIdentity): ClientRecord {
    // Sessions are keyed by their client, not their id: the dashboard is per implementation.
    const key = clientKey(identity);
    const now = Date.now();
    let record = this.clients.get(key);
    if (record && key === this.newestKey) {
      // Already the most recently seen (the usual case: one client's requests in a row):
      // no delete and re-insert, which costs a Map rehash now and then under load.
      if (identity.userAgent) record.userAgent = identity.userAgent;
      record.lastSeen = now;
      return record;
    }
    if (record) this.clients.delete(key);
    else {
      record = {
        ...(identity.name !== undefined && { name: identity.name }),
        ...(identity.version !== undefined && { version: identity.version }),
        eras: new Set(),
        revisions: new Set(),
        transports: new Set(),
        methods: new Map(),
        requests: 0,
        errors: 0,
        firstSeen: now,
        lastSeen: now,
        listChangedSent: 0,
        relists: 0,
        relistDelay: new Samples(),
      };
      if (this.clients.size >= this.maxClients) {
        this.clients.delete(this.clients.keys().next().value as string);
      }
    }
    if (identity.userAgent) record.userAgent = identity.userAgent;
    record.lastSeen = now;
    this.clients.set(key, record);
    this.newestKey = key;
    return record;
  }
}

export type DashboardSummary = ReturnType<ConnectionRecords['summary']>;
