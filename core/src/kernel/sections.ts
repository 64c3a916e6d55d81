import type { AnyPlugin } from '../api/plugin';
import { PluginLoadError } from './errors';
import { entryLabel, type PluginEntry } from './loader';

/** A `plugins:` entry whose config may come from a top-level manifest section the plugin claims. */
export interface SectionedEntry extends PluginEntry {
  /** The manifest key the config came from, so config errors name it. */
  readonly section?: string;
}

/** A top-level manifest section that no loaded plugin claims (a typo, or a plugin missing from `plugins:`). */
export class UnclaimedSectionError extends PluginLoadError {
  constructor(readonly section: string) {
    super(`unknown field(s) ${section}: no loaded plugin claims a '${section}:' manifest section`);
  }
}

/**
 * Give each plugin that claims a manifest section (`manifestSection`) that section
 * as its config. Every section must be claimed by exactly one loaded plugin, and a
 * plugin configured by its section takes no config in its `plugins:` entry.
 */
export function assignSections(
  plugins: readonly AnyPlugin[],
  entries: readonly PluginEntry[],
  sections: Readonly<Record<string, unknown>> = {},
): SectionedEntry[] {
  const claimedBy = new Map<string, number>();
  const assigned = entries.map((entry, index): SectionedEntry => {
    const section = plugins[index]?.manifestSection;
    if (typeof section !== 'string' || !(section in sections)) return entry;
    const label = entryLabel(index, entry);
    const other = claimedBy.get(section);
    if (other !== undefined) {
      throw new PluginLoadError(
        `claims the manifest section '${section}:', as ${entryLabel(other, entries[other]!)} does`,
        label,
      );
    }
    claimedBy.set(section, index);
    if (entry.config !== undefined) {
      throw new PluginLoadError(
        `is configured twice: by its entry's config and by the manifest section '${section}:' (keep one)`,
        label,
      );
    }
    return { ...entry, config: sections[section], section };
  });
  for (const section of Object.keys(sections)) {
    if (!claimedBy.has(section)) throw new UnclaimedSectionError(section);
  }
  return assigned;
}
