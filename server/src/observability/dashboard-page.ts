/**
 * The dashboard page: one self-contained HTML document (inline CSS and script, no
 * external assets) that polls `/api/dashboard` and renders its tables. Client names
 * and user agents are client-chosen text, so everything is written with
 * `textContent`, never as HTML.
 */

const STYLE = `
:root { color-scheme: light dark; --line: #8884; --muted: #888; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
#status { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 8rem; }
.card b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); }
`;

const SCRIPT = `
const POLL_MS = 3000;
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
const ms = (v) => v === null || v === undefined ? '–' : v + ' ms';
const pct = (v) => (v * 100).toFixed(1) + ' %';
function table(id, columns, rows) {
  const host = document.getElementById(id);
  host.replaceChildren();
  if (rows.length === 0) { host.append(el('p', 'Nothing yet.', 'empty')); return; }
  const t = el('table'); const head = el('tr');
  for (const c of columns) head.append(el('th', c.label, c.num ? 'num' : ''));
  t.append(head);
  for (const row of rows) {
    const tr = el('tr');
    for (const c of columns) tr.append(el('td', c.value(row), c.num ? 'num' : ''));
    t.append(tr);
  }
  host.append(t);
}
function card(label, value) { const c = el('div', undefined, 'card'); c.append(el('b', value), el('span', label)); return c; }
function render(d) {
  const requests = d.methods.reduce((s, m) => s + m.count, 0);
  const calls = d.tools.reduce((s, t) => s + t.count, 0);
  document.getElementById('cards').replaceChildren(
    card('clients', d.clients.length), card('MCP requests', requests), card('tool calls', calls),
    card('quota refusals', d.quotaRefusals.total), card('open sessions', d.open.sessions),
    card('open streams', d.open.streams),
    card('auth: anonymous / authenticated / rejected / unverified', d.auth.anonymous + ' / ' + d.auth.authenticated + ' / ' + d.auth.rejected + ' / ' + d.auth.unverified));
  table('clients', [
    { label: 'client', value: (c) => c.name ?? '(no clientInfo)' },
    { label: 'version', value: (c) => c.version ?? '' },
    { label: 'user agent', value: (c) => c.userAgent ?? '' },
    { label: 'eras', value: (c) => c.eras.join(', ') },
    { label: 'transports', value: (c) => c.transports.join(', ') },
    { label: 'requests', num: true, value: (c) => c.requests },
    { label: 'errors', num: true, value: (c) => c.errors },
    { label: 'last seen', value: (c) => new Date(c.lastSeen).toLocaleTimeString() },
  ], d.clients);
  table('methods', [
    { label: 'method', value: (m) => m.method },
    { label: 'requests', num: true, value: (m) => m.count },
    { label: 'p50', num: true, value: (m) => ms(m.p50Ms) },
    { label: 'p95', num: true, value: (m) => ms(m.p95Ms) },
    { label: 'error rate', num: true, value: (m) => pct(m.errorRate) },
  ], d.methods);
  table('tools', [
    { label: 'plugin', value: (t) => t.plugin },
    { label: 'tool', value: (t) => t.tool },
    { label: 'calls', num: true, value: (t) => t.count },
    { label: 'failed', num: true, value: (t) => t.errors },
    { label: 'p50', num: true, value: (t) => ms(t.p50Ms) },
    { label: 'p95', num: true, value: (t) => ms(t.p95Ms) },
    { label: 'outcomes', value: (t) => Object.entries(t.outcomes).map(([k, v]) => k + ' ' + v).join(', ') },
  ], d.tools);
  table('plugins', [
    { label: 'plugin', value: (p) => p.plugin },
    { label: 'calls', num: true, value: (p) => p.count },
    { label: 'failed', num: true, value: (p) => p.errors },
  ], d.plugins);
  table('quota', [
    { label: 'plugin', value: (q) => q.plugin }, { label: 'tool', value: (q) => q.tool },
    { label: 'plan', value: (q) => q.plan }, { label: 'refusals', num: true, value: (q) => q.count },
  ], d.quotaRefusals.byTool);
  table('listchanged', [
    { label: 'client', value: (c) => (c.name ?? c.userAgent ?? '?') + (c.version ? ' ' + c.version : '') },
    { label: 'notifications sent', num: true, value: (c) => c.listChanged.sent },
    { label: 're-listed tools', num: true, value: (c) => c.listChanged.relisted },
    { label: 're-list p50', num: true, value: (c) => ms(c.listChanged.relistP50Ms) },
  ], d.clients);
  table('upstream', [
    { label: 'service', value: (u) => u.service },
    { label: 'requests', num: true, value: (u) => u.count },
    { label: 'p50', num: true, value: (u) => ms(u.p50Ms) },
    { label: 'p95', num: true, value: (u) => ms(u.p95Ms) },
    { label: 'error rate', num: true, value: (u) => pct(u.errorRate) },
  ], d.upstream);
}
async function poll() {
  const status = document.getElementById('status');
  try {
    const response = await fetch('/api/dashboard', { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    render(await response.json());
    status.textContent = 'Updated ' + new Date().toLocaleTimeString() + ' · refreshes every ' + POLL_MS / 1000 + ' s';
    document.body.dataset.loaded = 'true';
  } catch (error) {
    status.textContent = 'Could not load /api/dashboard: ' + error.message;
  }
}
poll();
setInterval(poll, POLL_MS);
`;

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Toolhost dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Toolhost — connections</h1>
<div id="status">Loading…</div>
<div class="cards" id="cards"></div>
<h2>Clients</h2><div id="clients"></div>
<h2>Methods</h2><div id="methods"></div>
<h2>Tool calls</h2><div id="tools"></div>
<h2>Tool calls per plugin</h2><div id="plugins"></div>
<h2>Quota refusals</h2><div id="quota"></div>
<h2>list_changed behaviour</h2><div id="listchanged"></div>
<h2>Upstream services</h2><div id="upstream"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** Shown instead of the dashboard without the admin token: a form that keeps the token in a same-site cookie. */
export const SIGN_IN_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Toolhost dashboard — sign in</title>
<style>body { font: 14px system-ui, sans-serif; margin: 2rem; } input { width: 24rem; }</style></head>
<body>
<h1>Toolhost dashboard</h1>
<p>This server is not bound to localhost: the dashboard needs the admin token (TOOLHOST_ADMIN_TOKEN).</p>
<form id="f"><input id="t" type="password" autocomplete="off" placeholder="admin token"> <button>Open</button></form>
<script>
document.getElementById('f').addEventListener('submit', (event) => {
  event.preventDefault();
  document.cookie = 'toolhost_admin=' + encodeURIComponent(document.getElementById('t').value) + '; path=/; SameSite=Strict';
  location.reload();
});
</script>
</body>
</html>
`;
