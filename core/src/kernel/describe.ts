import type { Tool as McpTool } from '@modelcontextprotocol/server';
import type { Logger } from '../api/logger';
import { Catalog } from './catalog';
import { PluginHost } from './host';
import type { PluginEntry } from './loader';

/** A plugin as its author and the `plugin check` command see it: what it declares and what it lists. */
export interface PluginDescription {
  readonly id: string;
  readonly version: string;
  /** The kernel versions it declares it works with. */
  readonly kernel: string;
  /** Its static tools, each as `tools/list` sends it (JSON Schemas and annotations included). */
  readonly tools: readonly McpTool[];
  readonly resources: readonly string[];
  readonly prompts: readonly string[];
  /** Whether it also adds per-caller tools (a tool source), which are not listed here. */
  readonly toolSource: boolean;
}

/**
 * Load and validate plugins as `createKernel` would, and compile their tools, without
 * running any plugin's `setup` and without serving: what a plugin offers is known
 * from its definitions alone. Throws `PluginLoadError` as a kernel start would.
 */
export async function describePlugins(
  entries: readonly PluginEntry[],
  options: { baseDir: string; logger: Logger; sections?: Readonly<Record<string, unknown>> },
): Promise<PluginDescription[]> {
  const host = await PluginHost.load(entries, options);
  const catalog = new Catalog(host.plugins, { container: host.container });
  // In manifest order, not the set-up order the host keeps.
  const inOrder = [...host.plugins].sort((a, b) => a.index - b.index);
  return inOrder.map(({ id, plugin }) => {
    return {
      id,
      version: plugin.version,
      kernel: plugin.kernel,
      tools: [...catalog.tools.values()].filter((t) => t.plugin.id === id).map((t) => t.descriptor),
      resources: [...catalog.resources.values()].filter((r) => r.plugin.id === id).map((r) => r.key),
      prompts: [...catalog.prompts.values()].filter((p) => p.plugin.id === id).map((p) => p.name),
      toolSource: plugin.toolSource !== undefined,
    };
  });
}
