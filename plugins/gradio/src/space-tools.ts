import {
  type DynamicTool,
  defineToolSource,
  type ToolAnnotations,
  type ToolSourceRequest,
} from '@toolhost/core';
import { appResources, proxiedToolMeta } from './apps';
import { SPACE_ID } from './config';
import type { UpstreamTool } from './connections';
import { nameTools, spacePrefix } from './naming';
import { gradioService } from './service';
import type { SpaceProxy, SpaceState } from './spaces';

const NO_ARGUMENTS = Object.freeze({ type: 'object', properties: {} });

/** Built once per discovered state and name, so the kernel can reuse what it compiled. */
const built = new WeakMap<SpaceState, Map<string, DynamicTool>>();

function memo(state: SpaceState, name: string, build: () => DynamicTool): DynamicTool {
  let tools = built.get(state);
  if (!tools) {
    tools = new Map();
    built.set(state, tools);
  }
  let tool = tools.get(name);
  if (!tool) {
    tool = build();
    tools.set(name, tool);
  }
  return tool;
}

/** The Space's own hints, kept; a Space is always an open world (it runs someone else's code). */
function annotationsOf(upstream: UpstreamTool): ToolAnnotations {
  const hints = upstream.annotations ?? {};
  const flag = (key: string) => (typeof hints[key] === 'boolean' ? (hints[key] as boolean) : undefined);
  const readOnly = flag('readOnlyHint');
  const destructive = flag('destructiveHint');
  const idempotent = flag('idempotentHint');
  return {
    openWorld: true,
    ...(readOnly !== undefined && { readOnly }),
    ...(destructive !== undefined && { destructive }),
    ...(idempotent !== undefined && { idempotent }),
  };
}

/** A Space's tool, proxied: the upstream schema and description as they are. */
function proxiedTool(
  proxy: SpaceProxy,
  state: Extract<SpaceState, { ok: true }>,
  upstream: UpstreamTool,
  name: string,
): DynamicTool {
  const meta = proxiedToolMeta(state.id, upstream._meta);
  const resources = appResources(proxy, state);
  return {
    name,
    ...(meta && { _meta: meta }),
    ...(resources.length > 0 && { resources }),
    ...(upstream.title !== undefined && { title: upstream.title }),
    description: upstream.description ?? `Tool ${upstream.name} of the Space ${state.id}.`,
    inputSchema: upstream.inputSchema,
    annotations: annotationsOf(upstream),
    origin: state.id,
    // Space calls can run for minutes: a client that declares the tasks extension gets a task to poll.
    task: 'optional',
    // The proxy times the call out itself, with a message naming the Space; this is a backstop.
    timeoutMs: proxy.config.timeoutSeconds * 1000 + 5_000,
    handler: (args, ctx) => proxy.call(state, upstream.name, args, ctx),
  };
}

/** Stands in for a Space that cannot be used, so the caller learns why instead of missing it. */
function statusTool(proxy: SpaceProxy, state: Extract<SpaceState, { ok: false }>): DynamicTool {
  return {
    name: `${spacePrefix(state.id)}_status`.slice(0, 64),
    description: `The Space ${state.id} is unavailable (${state.status}): ${state.message} Call this tool to check again later.`,
    inputSchema: NO_ARGUMENTS,
    annotations: { readOnly: true, openWorld: true },
    origin: state.id,
    unavailable: `${state.message} (${state.status})`,
    handler: () => {
      throw proxy.unavailable(state);
    },
  };
}

/** The Spaces a caller gets: the manifest's, then their own; valid ids only, capped. */
export function spacesFor(proxy: SpaceProxy, chosen: readonly string[]): { ids: string[]; dropped: number } {
  const ids = [...new Set([...proxy.config.enabled, ...chosen])].filter((id) => SPACE_ID.test(id));
  const max = proxy.config.maxSpacesPerRequest;
  return { ids: ids.slice(0, max), dropped: Math.max(0, ids.length - max) };
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The Spaces a caller chose: their saved settings, then this request's `?gradio=owner/a,owner/b`. */
export function chosenSpaces(request: Pick<ToolSourceRequest, 'settings' | 'query'>): string[] {
  const saved = request.settings['spaces'];
  return [...(Array.isArray(saved) ? (saved as string[]) : []), ...list(request.query['gradio'])];
}

/** Each Space a caller enabled, discovered and turned into tools at request time. */
export const spaceTools = defineToolSource({
  services: { gradio: gradioService },
  // A Space's MCP App pages come with its tools.
  resources: true,
  async tools(request: ToolSourceRequest<{ gradio: typeof gradioService }>): Promise<DynamicTool[]> {
    const proxy = request.services.gradio;
    const { ids, dropped } = spacesFor(proxy, chosenSpaces(request));
    if (ids.length === 0) return [];
    if (dropped > 0) {
      request.logger.warn(
        { dropped, max: proxy.config.maxSpacesPerRequest },
        'more Spaces than spaces.maxSpacesPerRequest; the rest are left out',
      );
    }
    const call = { credentials: request.credentials, principalId: request.principal.id };
    const states = await Promise.all(ids.map((id) => proxy.discover(id, call)));
    const entries = states.flatMap((state) =>
      state.ok
        ? state.tools.map((tool) => ({ spaceId: state.id, tool: tool.name, state, upstream: tool }))
        : [],
    );
    const names = nameTools(entries);
    const tools: DynamicTool[] = [];
    for (const state of states) {
      if (!state.ok) tools.push(memo(state, '', () => statusTool(proxy, state)));
    }
    for (const entry of entries) {
      const name = names.get(entry)!;
      tools.push(
        memo(entry.state, name, () =>
          proxiedTool(proxy, entry.state as Extract<SpaceState, { ok: true }>, entry.upstream, name),
        ),
      );
    }
    return tools;
  },
});
