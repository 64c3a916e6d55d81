import type { Logger } from '../../api/logger';
import type { Credentials, Principal } from '../../api/principal';
import type { UserSettings } from '../../ports/settings-store';
import type { Catalog } from '../catalog';
import { budgetFor, type ToolBudgetConfig } from '../discovery/budget';
import type { DynamicToolSets } from '../dynamic-tools';
import type { LoadedPlugin } from '../host';
import { loadTokenCounter, type ToolListing, toolTokens } from '../token-cost';
import type { Selector } from './selection';

/** One tool as a settings page shows it. */
export interface CatalogTool {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  /** Whether the caller gets it under these settings. */
  readonly selected: boolean;
  /** A per-caller tool (from the plugin's tool source): it comes and goes with the choice it belongs to. */
  readonly dynamic: boolean;
  /** For per-caller tools: the caller's choice it comes from (a remote server's id, say). */
  readonly origin?: string;
  /** For a tool standing in for a choice that cannot be used now: why. */
  readonly unavailable?: string;
  /** What listing it costs a model's context window, in tokens (its whole `tools/list` entry). */
  readonly tokens: number;
}

/** One plugin within the caller's policy, with its tools. */
export interface CatalogPlugin {
  readonly id: string;
  readonly title?: string;
  readonly description?: string;
  /** Whether these settings select it (within the policy bound). */
  readonly selected: boolean;
  /** Whether it offers per-caller tools (a tool source), which follow their own settings field. */
  readonly perCaller: boolean;
  readonly tools: readonly CatalogTool[];
}

/** What a caller may choose from and what given settings select: a settings page's data. */
export interface SettingsCatalog {
  readonly plugins: readonly CatalogPlugin[];
  /** The settings fields plugins add (beyond `plugins` and `disabledTools`), with the plugin owning each. */
  readonly fields: readonly { readonly name: string; readonly plugin: string }[];
  /** What the selected tools cost a model's context window together, in tokens. */
  readonly selectedTokens: number;
  /** The caller's `access.toolBudget`: above it `tools/list` lists by discovery; null without one. */
  readonly toolBudget: number | null;
}

export interface SettingsCatalogParts {
  readonly plugins: readonly LoadedPlugin[];
  readonly catalog: Catalog;
  readonly selector: Selector;
  readonly dynamicTools: DynamicToolSets;
}

/**
 * The plugins a caller's policy allows, each with its static tools and the per-caller
 * tools its source gives under `settings` (remote choices are discovered here, so a choice
 * that cannot be used says why), each marked selected or not.
 */
export async function settingsCatalog(
  parts: SettingsCatalogParts & { readonly toolBudget?: ToolBudgetConfig },
  caller: { principal: Principal; credentials: Credentials; logger: Logger },
  settings: UserSettings | undefined,
): Promise<SettingsCatalog> {
  const { principal } = caller;
  const allowed = parts.plugins.filter((plugin) => parts.selector.allows(principal, plugin.id));
  const selected = new Set(parts.selector.resolve(principal, settings).plugins);
  const disabled = new Set(settings?.disabledTools ?? []);
  const offered = await parts.dynamicTools.offered({
    principal,
    credentials: caller.credentials,
    ...(settings && { settings }),
    logger: caller.logger,
    allows: (id) => parts.selector.allows(principal, id),
  });
  const staticTools = [...parts.catalog.tools.values()];
  const counter = await loadTokenCounter();
  const plugins: CatalogPlugin[] = allowed.map(({ id, plugin }) => ({
    id,
    ...(plugin.title !== undefined && { title: plugin.title }),
    ...(plugin.description !== undefined && { description: plugin.description }),
    selected: selected.has(id),
    perCaller: plugin.toolSource !== undefined,
    tools: [
      ...staticTools
        .filter((tool) => tool.plugin.id === id)
        .map(({ name, descriptor }) => ({
          name,
          ...(descriptor.title !== undefined && { title: descriptor.title }),
          description: descriptor.description ?? '',
          selected: selected.has(id) && !disabled.has(name),
          dynamic: false,
          tokens: toolTokens(counter, descriptor),
        })),
      ...offered
        .filter((entry) => entry.plugin === id)
        .map(({ tool }) => ({
          name: tool.name,
          ...(tool.title !== undefined && { title: tool.title }),
          description: tool.description,
          // Per-caller tools follow the policy and their own field, not the plugin list (as in tools/list).
          selected: !disabled.has(tool.name),
          dynamic: true,
          ...(tool.origin !== undefined && { origin: tool.origin }),
          ...(tool.unavailable !== undefined && { unavailable: tool.unavailable }),
          tokens: toolTokens(counter, tool as ToolListing),
        })),
    ],
  }));
  return {
    plugins,
    fields: parts.plugins.flatMap(({ id, plugin }) =>
      Object.keys(plugin.userSettings?.shape ?? {}).map((name) => ({ name, plugin: id })),
    ),
    selectedTokens: plugins
      .flatMap((plugin) => plugin.tools)
      .reduce((sum, tool) => sum + (tool.selected && !tool.unavailable ? tool.tokens : 0), 0),
    toolBudget: budgetFor(parts.toolBudget, principal) ?? null,
  };
}
