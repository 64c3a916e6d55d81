import type { PluginEntry } from '@toolhost/core/kernel';
import type { Manifest } from './manifest';

export const GRADIO_PLUGIN = '@toolhost/plugin-gradio';
const HUB_PLUGIN = '@toolhost/plugin-hub';

/**
 * The manifest's plugins, with the Space proxy added: the `spaces` section is the
 * gradio plugin's config. It is loaded without being listed whenever the hub
 * plugin is (it looks Spaces up through the Hub client), so that users' Spaces and
 * `?gradio=` just work. A manifest may list it itself, e.g. to load it without the
 * hub plugin's tools; the `spaces` section configures it unless that entry has a config.
 */
export function withSpacesPlugin(manifest: Manifest): PluginEntry[] {
  const listed = manifest.plugins.findIndex((entry) => entry.use === GRADIO_PLUGIN);
  if (listed >= 0) {
    return manifest.plugins.map((entry, index) =>
      index === listed && entry.config === undefined ? { ...entry, config: manifest.spaces } : entry,
    );
  }
  if (!manifest.plugins.some((entry) => entry.use === HUB_PLUGIN)) return manifest.plugins;
  // Appended, so the indices in error messages still match the manifest's own entries.
  return [...manifest.plugins, { use: GRADIO_PLUGIN, config: manifest.spaces }];
}
