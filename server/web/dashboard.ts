/**
 * The `/dashboard` page: charts over the last hour (uPlot, bundled by the build)
 * from `/api/dashboard/series`, filtered by client and plugin, above the tables of
 * totals from `/api/dashboard`. Polls both. Client names and user agents are
 * client-chosen text: everything is written as text, never as HTML.
 */
import 'uplot/dist/uPlot.min.css';
import './console.css';
import uPlot from 'uplot';
import type { DashboardSummary } from '../src/observability/connections';
import type { DashboardSeries } from '../src/observability/timeseries';
import { byId, type Column, el, renderTable, setStatus } from './common';

const POLL_MS = 5_000;
const COLORS = ['#2f6fdb', '#e67e22', '#27ae60', '#8e44ad', '#c0392b', '#16a085', '#d35400', '#7f8c8d'];

interface ChartSpec {
  id: string;
  title: string;
  /** What the y axis counts. */
  unit: string;
  /** The chart's series from the data: label → values per bucket. */
  series: (data: DashboardSeries) => Record<string, (number | null)[]>;
  /** Values only where there was traffic (null elsewhere): drawn with points, so a lone bucket shows. */
  sparse?: boolean;
  /** A fixed y range (a share is 0 to 1), else uPlot fits the data. */
  range?: [number, number];
}

const CHARTS: ChartSpec[] = [
  {
    id: 'chart-requests',
    title: 'Requests per second by era · transport',
    unit: 'req/s',
    series: (d) => d.requestsPerSecond,
  },
  {
    id: 'chart-latency',
    title: 'Latency p50 / p95',
    unit: 'ms',
    series: (d) => ({ p50: d.latencyMs.p50, p95: d.latencyMs.p95 }),
    sparse: true,
  },
  {
    id: 'chart-errors',
    title: 'Error rate (JSON-RPC and HTTP errors / requests)',
    unit: 'share',
    series: (d) => ({ 'error rate': d.errorRate }),
    sparse: true,
    range: [0, 1],
  },
  {
    id: 'chart-tools',
    title: 'Tool calls per plugin (per 10 s)',
    unit: 'calls',
    series: (d) => d.toolCalls,
  },
  {
    id: 'chart-quota',
    title: 'Quota refusals (per 10 s; by plugin filter only)',
    unit: 'refusals',
    series: (d) => ({ refusals: d.quotaRefusals }),
  },
  {
    id: 'chart-open',
    title: 'Open sessions and streams (all clients)',
    unit: 'open',
    series: (d) => ({ sessions: d.open.sessions, streams: d.open.streams }),
  },
  {
    id: 'chart-revisions',
    title: 'Requests by protocol revision (per 10 s)',
    unit: 'requests',
    series: (d) => d.revisions,
  },
  {
    id: 'chart-listchanged',
    title: 'tools/list_changed sent vs re-lists observed (per 10 s)',
    unit: 'count',
    series: (d) => ({ 'list_changed sent': d.listChanged.sent, 're-lists': d.listChanged.relisted }),
  },
];

const charts = new Map<string, { plot: uPlot; keys: string }>();
const filter = { client: '', plugin: '' };

function layout(): void {
  const clientSelect = el('select', { id: 'client-filter' }, el('option', { value: '' }, 'All clients'));
  const pluginSelect = el('select', { id: 'plugin-filter' }, el('option', { value: '' }, 'All plugins'));
  for (const [select, key] of [
    [clientSelect, 'client'],
    [pluginSelect, 'plugin'],
  ] as const) {
    select.addEventListener('change', () => {
      filter[key] = select.value;
      void poll();
    });
  }
  document.body.replaceChildren(
    el(
      'header',
      {},
      el('h1', {}, 'Toolhost — connections'),
      el('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }, 'Loading…'),
    ),
    el(
      'main',
      {},
      el('div', { class: 'card-list', id: 'cards' }),
      el(
        'section',
        { 'aria-labelledby': 'charts-title' },
        el('h2', { id: 'charts-title' }, 'The last hour (10-second buckets)'),
        el(
          'form',
          { class: 'row filters', id: 'filters', 'aria-label': 'Filters' },
          el('div', { class: 'field' }, el('label', { for: 'client-filter' }, 'Client'), clientSelect),
          el('div', { class: 'field' }, el('label', { for: 'plugin-filter' }, 'Plugin'), pluginSelect),
        ),
        el(
          'div',
          { class: 'charts' },
          ...CHARTS.map((chart) =>
            el(
              'figure',
              { class: 'chart', id: chart.id, 'aria-labelledby': `${chart.id}-title` },
              el('figcaption', { id: `${chart.id}-title` }, chart.title),
              el('div', { class: 'chart-canvas', role: 'img', 'aria-label': chart.title }),
            ),
          ),
        ),
        el('h3', {}, 'Protocol revisions by client (last hour)'),
        el('div', { id: 'revisions' }),
        el('h3', {}, 'Re-listing after tools/list_changed, by client (last hour)'),
        el('div', { id: 'relists' }),
      ),
      el('h2', {}, 'Clients (since start)'),
      el('div', { id: 'clients' }),
      el('h2', {}, 'Methods'),
      el('div', { id: 'methods' }),
      el('h2', {}, 'Tool calls'),
      el('div', { id: 'tools' }),
      el('h2', {}, 'Tool calls per plugin'),
      el('div', { id: 'plugins' }),
      el('h2', {}, 'Quota refusals'),
      el('div', { id: 'quota' }),
      el('h2', {}, 'list_changed behaviour'),
      el('div', { id: 'listchanged' }),
      el('h2', {}, 'Upstream services'),
      el('div', { id: 'upstream' }),
    ),
  );
}

/** Keep a select's options in step with the choices, keeping its value. */
function syncOptions(select: HTMLSelectElement, all: string, choices: { value: string; label: string }[]) {
  const value = select.value;
  const wanted = [{ value: '', label: all }, ...choices];
  if (value && !choices.some((choice) => choice.value === value)) wanted.push({ value, label: value });
  const current = [...select.options].map((option) => `${option.value}\n${option.text}`).join('\n\n');
  if (current === wanted.map((choice) => `${choice.value}\n${choice.label}`).join('\n\n')) return;
  select.replaceChildren(...wanted.map((choice) => el('option', { value: choice.value }, choice.label)));
  select.value = value;
}

const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : `${value} ms`;
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

function chartWidth(figure: HTMLElement): number {
  return Math.max(240, figure.clientWidth - 16);
}

function renderChart(spec: ChartSpec, data: DashboardSeries): void {
  const figure = byId(spec.id);
  const host = figure.querySelector<HTMLElement>('.chart-canvas')!;
  const lines = spec.series(data);
  const labels = Object.keys(lines);
  const keys = labels.join('\n');
  // What the chart shows, as data attributes: screen readers get the legend; tests read these.
  figure.dataset['series'] = JSON.stringify(labels);
  figure.dataset['totals'] = JSON.stringify(
    Object.fromEntries(
      labels.map((label) => [label, lines[label]!.reduce<number>((sum, v) => sum + (v ?? 0), 0)]),
    ),
  );
  const values: uPlot.AlignedData = [data.times, ...labels.map((label) => lines[label]!)];
  const existing = charts.get(spec.id);
  if (existing && existing.keys === keys) {
    existing.plot.setData(values);
    return;
  }
  existing?.plot.destroy();
  host.replaceChildren();
  if (labels.length === 0) {
    host.append(el('p', { class: 'empty' }, 'Nothing in the last hour.'));
    charts.delete(spec.id);
    return;
  }
  const plot = new uPlot(
    {
      width: chartWidth(figure),
      height: 200,
      series: [
        {},
        ...labels.map((label, index) => ({
          label,
          stroke: COLORS[index % COLORS.length]!,
          width: 2,
          spanGaps: false,
          ...(spec.sparse && { points: { show: true, size: 6 } }),
        })),
      ],
      axes: [{}, { label: spec.unit, size: 60 }],
      scales: { x: { time: true }, ...(spec.range && { y: { range: spec.range } }) },
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
    },
    values,
    host,
  );
  charts.set(spec.id, { plot, keys });
}

function renderSeries(data: DashboardSeries): void {
  syncOptions(
    byId<HTMLSelectElement>('client-filter'),
    'All clients',
    data.choices.clients.map((c) => ({ value: c.client, label: c.label })),
  );
  syncOptions(
    byId<HTMLSelectElement>('plugin-filter'),
    'All plugins',
    data.choices.plugins.map((plugin) => ({ value: plugin, label: plugin })),
  );
  for (const spec of CHARTS) renderChart(spec, data);
  type Row = DashboardSeries['clients'][number];
  renderTable<Row>(
    byId('revisions'),
    [
      { label: 'client', value: (c) => c.label },
      {
        label: 'revisions (requests)',
        value: (c) =>
          Object.entries(c.revisions)
            .map(([revision, n]) => `${revision} (${n})`)
            .join(', ') || '–',
      },
      { label: 'requests', num: true, value: (c) => c.requests },
    ],
    data.clients,
    'Protocol revisions by client',
  );
  renderTable<Row>(
    byId('relists'),
    [
      { label: 'client', value: (c) => c.label },
      { label: 'list_changed sent', num: true, value: (c) => c.listChanged.sent },
      { label: 're-listed', num: true, value: (c) => c.listChanged.relisted },
      { label: 'median re-list delay', num: true, value: (c) => ms(c.listChanged.relistMedianMs) },
    ],
    data.clients.filter((c) => c.listChanged.sent > 0 || c.listChanged.relisted > 0),
    'Re-listing after tools/list_changed',
  );
}

function card(label: string, value: string | number): HTMLElement {
  return el('div', { class: 'card' }, el('b', {}, String(value)), label);
}

function renderSummary(d: DashboardSummary): void {
  const requests = d.methods.reduce((s, m) => s + m.count, 0);
  const calls = d.tools.reduce((s, t) => s + t.count, 0);
  byId('cards').replaceChildren(
    card('clients', d.clients.length),
    card('MCP requests', requests),
    card('tool calls', calls),
    card('quota refusals', d.quotaRefusals.total),
    card('open sessions', d.open.sessions),
    card('open streams', d.open.streams),
    card(
      'auth: anonymous / authenticated / rejected / unverified',
      `${d.auth.anonymous} / ${d.auth.authenticated} / ${d.auth.rejected} / ${d.auth.unverified}`,
    ),
  );
  type Client = DashboardSummary['clients'][number];
  const clientColumns: Column<Client>[] = [
    { label: 'client', value: (c) => c.name ?? '(no clientInfo)' },
    { label: 'version', value: (c) => c.version ?? '' },
    { label: 'user agent', value: (c) => c.userAgent ?? '' },
    { label: 'eras', value: (c) => c.eras.join(', ') },
    { label: 'revisions', value: (c) => c.revisions.join(', ') },
    { label: 'transports', value: (c) => c.transports.join(', ') },
    // Its latest tools/list: how many tools, and what they cost a model's context (blank until counted).
    { label: 'tools listed', num: true, value: (c) => c.selection?.tools ?? '' },
    { label: 'listing tokens', num: true, value: (c) => c.selection?.tokens ?? '' },
    { label: 'requests', num: true, value: (c) => c.requests },
    { label: 'errors', num: true, value: (c) => c.errors },
    { label: 'last seen', value: (c) => new Date(c.lastSeen).toLocaleTimeString() },
  ];
  renderTable(byId('clients'), clientColumns, d.clients);
  renderTable(
    byId('methods'),
    [
      { label: 'method', value: (m) => m.method },
      { label: 'requests', num: true, value: (m) => m.count },
      { label: 'p50', num: true, value: (m) => ms(m.p50Ms) },
      { label: 'p95', num: true, value: (m) => ms(m.p95Ms) },
      { label: 'error rate', num: true, value: (m) => pct(m.errorRate) },
    ],
    d.methods,
  );
  renderTable(
    byId('tools'),
    [
      { label: 'plugin', value: (t) => t.plugin },
      { label: 'tool', value: (t) => t.tool },
      { label: 'calls', num: true, value: (t) => t.count },
      { label: 'failed', num: true, value: (t) => t.errors },
      { label: 'p50', num: true, value: (t) => ms(t.p50Ms) },
      { label: 'p95', num: true, value: (t) => ms(t.p95Ms) },
      {
        label: 'outcomes',
        value: (t) =>
          Object.entries(t.outcomes)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
      },
    ],
    d.tools,
  );
  renderTable(
    byId('plugins'),
    [
      { label: 'plugin', value: (p) => p.plugin },
      { label: 'calls', num: true, value: (p) => p.count },
      { label: 'failed', num: true, value: (p) => p.errors },
    ],
    d.plugins,
  );
  renderTable(
    byId('quota'),
    [
      { label: 'plugin', value: (q) => q.plugin },
      { label: 'tool', value: (q) => q.tool },
      { label: 'plan', value: (q) => q.plan },
      { label: 'refusals', num: true, value: (q) => q.count },
    ],
    d.quotaRefusals.byTool,
  );
  renderTable(
    byId('listchanged'),
    [
      { label: 'client', value: (c) => (c.name ?? c.userAgent ?? '?') + (c.version ? ` ${c.version}` : '') },
      { label: 'notifications sent', num: true, value: (c) => c.listChanged.sent },
      { label: 're-listed tools', num: true, value: (c) => c.listChanged.relisted },
      { label: 're-list p50', num: true, value: (c) => ms(c.listChanged.relistP50Ms) },
    ],
    d.clients,
  );
  renderTable(
    byId('upstream'),
    [
      { label: 'service', value: (u) => u.service },
      { label: 'requests', num: true, value: (u) => u.count },
      { label: 'p50', num: true, value: (u) => ms(u.p50Ms) },
      { label: 'p95', num: true, value: (u) => ms(u.p95Ms) },
      { label: 'error rate', num: true, value: (u) => pct(u.errorRate) },
    ],
    d.upstream,
  );
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

let polls = 0;
async function poll(): Promise<void> {
  const status = byId('status');
  const query = new URLSearchParams();
  if (filter.client) query.set('client', filter.client);
  if (filter.plugin) query.set('plugin', filter.plugin);
  const poll = ++polls;
  try {
    const [summary, series] = await Promise.all([
      getJson<DashboardSummary>('/api/dashboard'),
      getJson<DashboardSeries>(`/api/dashboard/series?${query}`),
    ]);
    // A slower answer to an older filter must not overwrite a newer one.
    if (poll !== polls) return;
    renderSummary(summary);
    renderSeries(series);
    // Which filter the page shows now (tests wait on it).
    document.body.dataset['filterClient'] = filter.client;
    document.body.dataset['filterPlugin'] = filter.plugin;
    setStatus(status, `Updated ${new Date().toLocaleTimeString()} · refreshes every ${POLL_MS / 1000} s`);
    document.body.dataset['loaded'] = 'true';
  } catch (error) {
    setStatus(status, `Could not load the dashboard data: ${(error as Error).message}`, 'error');
  }
}

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const [id, { plot }] of charts) plot.setSize({ width: chartWidth(byId(id)), height: 200 });
  }, 150);
});

layout();
void poll();
setInterval(() => void poll(), POLL_MS);
