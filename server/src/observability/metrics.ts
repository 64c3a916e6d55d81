import type {
  AuthOutcome,
  ListChangedSent,
  QuotaRefused,
  RequestFinished,
  SessionEvent,
  StreamEvent,
  Telemetry,
  ToolCallFinished,
  ToolsRelisted,
  UpstreamCallFinished,
} from '@toolhost/core/kernel';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { methodLabel, ServiceLabels } from './labels';

/** Seconds: MCP calls range from sub-millisecond list answers to tool calls that wait on the Hub. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const RELIST_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const seconds = (ms: number) => ms / 1000;

/**
 * Process metrics (CPU, memory, event loop, GC) describe the process, not an app, and
 * their collectors (event-loop and GC observers) cannot be stopped: one registry for
 * the whole process, shared by every app's exposition.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Prometheus metrics (prom-client) fed by the kernel's telemetry. One registry per
 * app (plus the shared process metrics), so several apps in one process (tests)
 * keep separate counts. Label values are bounded: methods outside MCP are `other`,
 * upstream services are short names, tool names come from the gate (tools the server
 * really has), and no user id is ever a label.
 */
export class Metrics implements Telemetry {
  /** This app's series. */
  private readonly own = new Registry();
  /** This app's series and the process metrics: what `/metrics` exposes. */
  readonly registry: Registry;
  private readonly services = new ServiceLabels();
  private readonly requests: Counter<'method' | 'era' | 'outcome'>;
  private readonly requestDuration: Histogram<'method' | 'era'>;
  private readonly toolCalls: Counter<'plugin' | 'tool' | 'outcome'>;
  private readonly toolDuration: Histogram<'plugin' | 'tool'>;
  private readonly quotaRefusals: Counter<'plugin' | 'tool' | 'plan'>;
  private readonly auth: Counter<'outcome'>;
  private readonly sessions: Gauge<'era'>;
  private readonly streams: Gauge<'kind'>;
  private readonly listChanged: Counter<'list'>;
  private readonly relistDelay: Histogram;
  private readonly upstreamDuration: Histogram<'service' | 'outcome'>;
  private readonly upstreamErrors: Counter<'service' | 'outcome'>;
  private readonly storeErrors: Counter<'store'>;

  constructor() {
    const registers = [this.own];
    this.requests = new Counter({
      name: 'toolhost_mcp_requests_total',
      help: 'MCP requests by JSON-RPC method (GET /mcp, DELETE /mcp for those), protocol era (legacy = 2025, modern = 2026-07-28) and outcome (ok, error, http_error, stream, unsupported = a GET stream probe answered 405).',
      labelNames: ['method', 'era', 'outcome'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'toolhost_mcp_request_duration_seconds',
      help: 'Time to answer an MCP request (to the first byte of a stream).',
      labelNames: ['method', 'era'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.toolCalls = new Counter({
      name: 'toolhost_tool_calls_total',
      help: 'Tool calls by plugin, tool and outcome (ok, tool_error, invalid_input, quota_exceeded, timeout, …).',
      labelNames: ['plugin', 'tool', 'outcome'],
      registers,
    });
    this.toolDuration = new Histogram({
      name: 'toolhost_tool_call_duration_seconds',
      help: 'Tool call latency through the call gate.',
      labelNames: ['plugin', 'tool'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.quotaRefusals = new Counter({
      name: 'toolhost_quota_refusals_total',
      help: 'Tool calls refused because the caller’s quota was spent, by plugin, tool and plan.',
      labelNames: ['plugin', 'tool', 'plan'],
      registers,
    });
    this.auth = new Counter({
      name: 'toolhost_auth_total',
      help: 'Authentication outcomes: anonymous, authenticated, rejected (a token refused), unverified (a token that could not be checked now).',
      labelNames: ['outcome'],
      registers,
    });
    this.sessions = new Gauge({
      name: 'toolhost_open_sessions',
      help: 'Open stateful MCP sessions.',
      labelNames: ['era'],
      registers,
    });
    this.streams = new Gauge({
      name: 'toolhost_open_streams',
      help: 'Open server-to-client SSE streams by kind (response, get, listen, legacy-sse).',
      labelNames: ['kind'],
      registers,
    });
    this.listChanged = new Counter({
      name: 'toolhost_list_changed_sent_total',
      help: 'list_changed notifications sent to clients, by list.',
      labelNames: ['list'],
      registers,
    });
    this.relistDelay = new Histogram({
      name: 'toolhost_tools_relist_delay_seconds',
      help: 'Time from a tools/list_changed notification to the client listing tools again.',
      buckets: RELIST_BUCKETS,
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: 'toolhost_upstream_request_duration_seconds',
      help: 'Requests plugins made to upstream services (hub, space), by outcome.',
      labelNames: ['service', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'toolhost_upstream_errors_total',
      help: 'Upstream requests that failed (HTTP 4xx/5xx, network error, timeout), by service and outcome.',
      labelNames: ['service', 'outcome'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'toolhost_store_errors_total',
      help: 'Operations a state store failed (settings, quotas, tokens, bus, events, sessions): the database or Redis could not serve.',
      labelNames: ['store'],
      registers,
    });
    this.registry = Registry.merge([processMetrics(), this.own]);
  }

  /** A store operation failed (not part of the kernel's telemetry: the stores are the server's). */
  storeFailed(store: string): void {
    this.storeErrors.inc({ store });
  }

  requestFinished(event: RequestFinished): void {
    const method = methodLabel(event.method);
    const era = event.era ?? 'unknown';
    this.requests.inc({ method, era, outcome: event.outcome });
    this.requestDuration.observe({ method, era }, seconds(event.durationMs));
  }

  toolCallFinished(event: ToolCallFinished): void {
    this.toolCalls.inc({ plugin: event.plugin, tool: event.tool, outcome: event.outcome });
    this.toolDuration.observe({ plugin: event.plugin, tool: event.tool }, seconds(event.durationMs));
  }

  quotaRefused(event: QuotaRefused): void {
    this.quotaRefusals.inc({ plugin: event.plugin, tool: event.tool, plan: event.plan });
  }

  authenticated(event: AuthOutcome): void {
    this.auth.inc({ outcome: event.outcome });
  }

  sessionOpened(event: SessionEvent): void {
    this.sessions.inc({ era: event.era });
  }

  sessionClosed(event: SessionEvent): void {
    this.sessions.dec({ era: event.era });
  }

  streamOpened(event: StreamEvent): void {
    this.streams.inc({ kind: event.kind });
  }

  streamClosed(event: StreamEvent): void {
    this.streams.dec({ kind: event.kind });
  }

  listChangedSent(event: ListChangedSent): void {
    this.listChanged.inc({ list: event.list });
  }

  toolsRelisted(event: ToolsRelisted): void {
    this.relistDelay.observe(seconds(event.afterMs));
  }

  upstreamCall(event: UpstreamCallFinished): void {
    const labels = { service: this.services.label(event.service), outcome: event.outcome };
    this.upstreamDuration.observe(labels, seconds(event.durationMs));
    if (event.outcome !== 'ok') this.upstreamErrors.inc(labels);
  }

  /** The Prometheus text exposition and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
