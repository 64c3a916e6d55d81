/**
 * The console pages' HTML: small shells whose script and style are built assets
 * (`/console/*.js`, `/console/*.css`), so the pages run under a strict CSP with no
 * inline code. Everything a page shows is rendered by its script with
 * `textContent`, never as HTML.
 */

/** What the console pages may load and do: only this server's own scripts, styles and API. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function shell(page: 'settings' | 'dashboard', title: string, attributes: Record<string, string> = {}) {
  const data = Object.entries(attributes)
    .map(([key, value]) => ` data-${key}="${escapeAttribute(value)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/${page}.css">
<script src="/console/${page}.js" defer></script>
</head>
<body${data}>
<noscript>This page needs JavaScript.</noscript>
</body>
</html>
`;
}

/**
 * `/settings`: the user's own tool selection, quota and client configuration.
 * `mcpUrl` is the MCP endpoint clients should use (the public URL when one is set;
 * else the page takes its own origin).
 */
export const settingsPage = (mcpUrl: string | undefined) =>
  shell('settings', 'Toolhost — settings', mcpUrl ? { 'mcp-url': mcpUrl } : {});

/** `/dashboard`: charts over the last hour and the connection tables. */
export const dashboardPage = () => shell('dashboard', 'Toolhost — dashboard');

/** Answered in place of a page when the build has not produced its assets. */
export const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Toolhost console not built</title></head>
<body><h1>The console is not built</h1>
<p>The page's script and style come from the server's build: run <code>npm run build</code>, then reload.</p>
</body></html>
`;
