import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasBrand, PLUGIN_BRAND } from '../api/brand';
import type { AnyPlugin } from '../api/plugin';
import { errorMessage, PluginLoadError } from './errors';

/** One `plugins:` entry of the manifest. */
export interface PluginEntry {
  /** An npm package name, or a path relative to the manifest's folder. */
  use: string;
  config?: unknown;
}

/** Human label for error messages: `plugins[1] (@toolhost/plugin-models)`. */
export function entryLabel(index: number, entry: PluginEntry): string {
  return `plugins[${index}] (${entry.use})`;
}

function isPathSpecifier(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:');
}

function isNotFound(error: unknown, spec: string): boolean {
  const code = (error as { code?: string }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // A missing dependency *inside* the plugin is a load failure, not an unknown package.
  return errorMessage(error).includes(`'${spec}'`) || errorMessage(error).includes(`"${spec}"`);
}

async function importSpecifier(spec: string, baseDir: string): Promise<unknown> {
  if (isPathSpecifier(spec)) {
    const url = spec.startsWith('file:') ? spec : pathToFileURL(resolve(baseDir, spec)).href;
    try {
      return await import(url);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' && errorMessage(error).includes(url.replace('file://', ''))) {
        throw new PluginLoadError(`no file at ${resolve(baseDir, spec)}`);
      }
      throw error;
    }
  }
  try {
    // First the installation Toolhost itself runs from (where first-party plugins live)…
    return await import(spec);
  } catch (error) {
    if (!isNotFound(error, spec)) throw error;
  }
  try {
    // …then the manifest's own folder, for plugins installed next to the manifest.
    const resolved = createRequire(resolve(baseDir, 'package.json')).resolve(spec);
    return await import(pathToFileURL(resolved).href);
  } catch (error) {
    if (!isNotFound(error, spec)) throw error;
    throw new PluginLoadError(
      `cannot find package '${spec}' (install it with npm, or give a path such as ./plugins/my-plugin/index.js)`,
    );
  }
}

/** Import the module named by an entry and return its plugin (default export, or a named `plugin`). */
export async function importPlugin(entry: PluginEntry, index: number, baseDir: string): Promise<AnyPlugin> {
  const label = entryLabel(index, entry);
  let mod: unknown;
  try {
    mod = await importSpecifier(entry.use, baseDir);
  } catch (error) {
    if (error instanceof PluginLoadError) throw new PluginLoadError(error.message, label);
    throw new PluginLoadError(`failed to load: ${errorMessage(error)}`, label, { cause: error });
  }
  const exports = mod as { default?: unknown; plugin?: unknown };
  const candidate = hasBrand(exports.default, PLUGIN_BRAND) ? exports.default : exports.plugin;
  if (!hasBrand(candidate, PLUGIN_BRAND)) {
    throw new PluginLoadError(
      'the module is not a Toolhost plugin (its default export must be the result of definePlugin from @toolhost/core)',
      label,
    );
  }
  return candidate as AnyPlugin;
}
