import type { Principal } from '../../api/principal';
import type { UserSettings } from '../../ports/settings-store';
import type { Catalog } from '../catalog';
import type { ToolBudgetConfig } from '../discovery/budget';
import type { ToolSet, ToolSetCache } from '../toolset';

/** A list of plugin ids (preset names are expanded), or every loaded plugin. */
export type PluginList = readonly string[] | 'all';

/** The manifest's `access` and `presets`: what each kind of caller may have, and what they get by default. */
export interface AccessPolicy {
  /** Upper bound for anonymous callers. */
  anonymous: PluginList;
  /** Upper bound for authenticated callers whose plan has no entry in `plans`. */
  authenticated: PluginList;
  /** Upper bound per plan (`free`, `pro`, …). */
  plans: Readonly<Record<string, PluginList>>;
  /** What callers without saved settings get (within their bound). */
  defaults: PluginList;
  /** Named groups of plugins, usable wherever plugin ids are. */
  presets: Readonly<Record<string, readonly string[]>>;
  /** Tokens a caller's `tools/list` may cost before it switches to discovery (see `discovery/`); none: no limit. */
  toolBudget?: ToolBudgetConfig;
}

export const OPEN_POLICY: AccessPolicy = {
  anonymous: 'all',
  authenticated: 'all',
  plans: {},
  defaults: 'all',
  presets: {},
};

/**
 * What a request asks for on top of the caller's settings: `?plugins=`, `?tools=`,
 * `?preset=` or its alias `?bouquet=` (a preset replacing the selection) and
 * `?mix=` (plugins added to it). None can widen past the caller's policy bound.
 */
export interface SelectionHints {
  plugins?: readonly string[];
  tools?: readonly string[];
  preset?: string;
  mix?: readonly string[];
}

const key = (list: readonly string[] | undefined) => (list ? [...list].sort().join(',') : '*');

/**
 * Turns policy, settings and hints into the caller's ToolSet:
 *
 *     bound    = policy for the caller (anonymous, their plan, or authenticated)
 *     chosen   = preset/bouquet hint, else saved settings, else defaults; plus ?mix
 *     plugins  = bound ∩ chosen ∩ ?plugins
 *     tools    = tools of those plugins − disabledTools, ∩ ?tools
 *
 * Each distinct outcome maps to one cached ToolSet, and each distinct input to its
 * outcome, so the steady-state cost per request is a string key and a map lookup.
 */
export class Selector {
  private readonly allPlugins: readonly string[];

  constructor(
    private readonly policy: AccessPolicy,
    private readonly catalog: Catalog,
    private readonly toolSets: ToolSetCache,
  ) {
    this.allPlugins = catalog.pluginIds();
  }

  select(principal: Principal, settings: UserSettings | undefined, hints: SelectionHints = {}): ToolSet {
    // What decides the outcome, as one key: the caller's bound, their settings and the hints.
    const inputs = `select|${this.boundName(principal)}|${settings ? JSON.stringify(settings) : '-'}|${key(hints.plugins)}|${key(hints.tools)}|${hints.preset ?? ''}|${key(hints.mix)}`;
    return this.toolSets.getOrBuild(inputs, () => {
      const { plugins, tools } = this.resolve(principal, settings, hints);
      return this.toolSets.get({ plugins, ...(tools && { tools }) });
    });
  }

  /** The plugin ids and (when narrowed) tool names a caller ends up with. */
  resolve(
    principal: Principal,
    settings: UserSettings | undefined,
    hints: SelectionHints = {},
  ): { plugins: string[]; tools?: string[] } {
    const bound = new Set(this.expand(this.bound(principal)));
    const preset = hints.preset !== undefined ? this.policy.presets[hints.preset] : undefined;
    const chosen = new Set(this.expand(preset ?? settings?.plugins ?? this.policy.defaults));
    for (const id of this.expand(hints.mix ?? [])) chosen.add(id);
    const narrowed = hints.plugins ? new Set(this.expand(hints.plugins)) : undefined;
    const plugins = this.allPlugins.filter(
      (id) => bound.has(id) && chosen.has(id) && (!narrowed || narrowed.has(id)),
    );
    const disabled = settings?.disabledTools ?? [];
    if (disabled.length === 0 && !hints.tools) return { plugins };
    const wanted = hints.tools ? new Set(hints.tools) : undefined;
    const included = new Set(plugins);
    const tools = [...this.catalog.tools.values()]
      .filter(
        (t) => included.has(t.plugin.id) && !disabled.includes(t.name) && (!wanted || wanted.has(t.name)),
      )
      .map((t) => t.name);
    return { plugins, tools };
  }

  /** Is this plugin within the caller's policy bound? (Plugins that offer only per-caller tools too.) */
  allows(principal: Principal, pluginId: string): boolean {
    const bound = this.bound(principal);
    return bound === 'all' || this.expand(bound).includes(pluginId);
  }

  /** Every plugin id a policy list or preset names, for validation and listing. */
  knownPlugins(): readonly string[] {
    return this.allPlugins;
  }

  private bound(principal: Principal): PluginList {
    if (principal.kind === 'anonymous') return this.policy.anonymous;
    return this.policy.plans[principal.plan] ?? this.policy.authenticated;
  }

  private boundName(principal: Principal): string {
    if (principal.kind === 'anonymous') return 'anonymous';
    return principal.plan in this.policy.plans ? `plan:${principal.plan}` : 'authenticated';
  }

  /** Plugin ids of a list, with preset names expanded; `all` is every loaded plugin. */
  private expand(list: PluginList): string[] {
    if (list === 'all') return [...this.allPlugins];
    return list.flatMap((name) => this.policy.presets[name] ?? [name]);
  }
}
