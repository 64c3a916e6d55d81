/**
 * MCP Apps (SEP-1865) through the Space proxy. A Space's tool may name an HTML
 * page in `_meta.ui.resourceUri` (`ui://…`), which the client reads with
 * `resources/read`. Upstream URIs mean nothing to Toolhost's clients, so each
 * page is served under Toolhost's own `ui://` namespace, per Space, and a read
 * is relayed to the Space (allowlist, SSRF guard, caller's token, timeout).
 */
import type { DynamicResource, ResourceContent } from '@toolhost/core';
import type { UpstreamResource, UpstreamTool } from './connections';
import type { SpaceProxy, SpaceState } from './spaces';

/** The MIME type of an MCP App page. */
export const MCP_APP_MIME_TYPE = 'text/html;profile=mcp-app';

const UI_SCHEME = 'ui://';
/** Longer upstream URIs are not proxied (a Space has no need for them; they would bloat every listing). */
const MAX_URI_LENGTH = 512;

type ReadySpace = Extract<SpaceState, { ok: true }>;

const isUiUri = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.startsWith(UI_SCHEME) &&
  value.length > UI_SCHEME.length &&
  value.length <= MAX_URI_LENGTH;

/**
 * `ui://toolhost/spaces/<owner>/<name>/<the upstream URI after ui://>`: one
 * namespace per Space (a Space id is exactly two segments), so two Spaces' pages
 * never share a URI, and the upstream URI stays readable.
 */
export function proxiedUiUri(spaceId: string, upstreamUri: string): string {
  return `${UI_SCHEME}toolhost/spaces/${spaceId}/${upstreamUri.slice(UI_SCHEME.length)}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The page a tool's `_meta` names: `ui.resourceUri`, or the older flat key `ui/resourceUri`. */
function pageOf(meta: Record<string, unknown> | undefined): string | undefined {
  if (!meta) return undefined;
  const ui = meta['ui'];
  if (isRecord(ui) && isUiUri(ui['resourceUri'])) return ui['resourceUri'];
  return isUiUri(meta['ui/resourceUri']) ? meta['ui/resourceUri'] : undefined;
}

/**
 * The tool's `_meta` as Toolhost lists it: the page's URI rewritten into
 * Toolhost's namespace, everything else as the Space gave it. A page URI that
 * cannot be proxied (not `ui://`) is dropped, since a client could not read it here.
 */
export function proxiedToolMeta(
  spaceId: string,
  meta: UpstreamTool['_meta'],
): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const { ui, 'ui/resourceUri': flat, ...rest } = meta;
  const out: Record<string, unknown> = { ...rest };
  if (isRecord(ui)) {
    const { resourceUri, ...uiRest } = ui;
    out['ui'] = isUiUri(resourceUri)
      ? { ...uiRest, resourceUri: proxiedUiUri(spaceId, resourceUri) }
      : uiRest;
  } else if (ui !== undefined) {
    out['ui'] = ui;
  }
  if (isUiUri(flat)) out['ui/resourceUri'] = proxiedUiUri(spaceId, flat);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Built once per discovered state, so the kernel compiles each page once. */
const built = new WeakMap<ReadySpace, readonly DynamicResource[]>();

/**
 * The Space's App pages as resources: the `ui://` resources it lists, and any
 * page one of its tools names that the list left out. Every tool of the Space
 * carries them all, so a caller sees the pages of exactly the Spaces whose tools
 * they have.
 */
export function appResources(proxy: SpaceProxy, state: ReadySpace): readonly DynamicResource[] {
  let resources = built.get(state);
  if (!resources) {
    const pages = new Map<string, Partial<UpstreamResource>>();
    for (const resource of state.resources) if (isUiUri(resource.uri)) pages.set(resource.uri, resource);
    for (const tool of state.tools) {
      const page = pageOf(tool._meta);
      if (page && !pages.has(page)) pages.set(page, { title: tool.title ?? tool.name });
    }
    resources = [...pages].map(([uri, listed]) => appResource(proxy, state, uri, listed));
    built.set(state, resources);
  }
  return resources;
}

function appResource(
  proxy: SpaceProxy,
  state: ReadySpace,
  upstreamUri: string,
  listed: Partial<UpstreamResource>,
): DynamicResource {
  const uri = proxiedUiUri(state.id, upstreamUri);
  return {
    uri,
    name: `${state.id} ${listed.name ?? upstreamUri}`,
    ...(listed.title !== undefined && { title: listed.title }),
    description: listed.description ?? `MCP App page of the Space ${state.id} (${upstreamUri}).`,
    mimeType: listed.mimeType ?? MCP_APP_MIME_TYPE,
    ...(listed._meta !== undefined && { _meta: listed._meta }),
    async read(_request, ctx) {
      const contents = await proxy.readResource(state, upstreamUri, ctx);
      // The Space's HTML and its `_meta` (CSP, domain…) as sent; only the URI is Toolhost's.
      return {
        contents: contents.map((content) => ({ ...content, uri }) as ResourceContent),
      };
    },
  };
}
