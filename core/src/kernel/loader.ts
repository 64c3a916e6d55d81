import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import { hasBrand, PLUGIN_BRAND } from '../api/brand';
import type { AnyPlugin } from '../api/plugin';
import { linkHostCore } from './core-link';
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

function code(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

function isNotFound(error: unknown, spec: string): boolean {
  if (code(error) !== 'ERR_MODULE_NOT_FOUND' && code(error) !== 'MODULE_NOT_FOUND') return false;
  // A missing dependency *inside* the plugin is a load failure, not an unknown package.
  return errorMessage(error).includes(`'${spec}'`) || errorMessage(error).includes(`"${spec}"`);
}

function readPackageJson(dir: string): { name?: unknown; main?: unknown; exports?: unknown } {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch (error) {
    throw new PluginLoadError(`cannot read ${join(dir, 'package.json')}: ${errorMessage(error)}`);
  }
}

/** The module file a path names: the file itself, or a package folder's entry (its `exports`, else `main`). */
function entryFile(path: string): string {
  if (!existsSync(path)) throw new PluginLoadError(`no file at ${path}`);
  if (!statSync(path).isDirectory()) return path;
  if (!existsSync(join(path, 'package.json'))) {
    throw new PluginLoadError(`${path} is a folder without a package.json: name the plugin's module file`);
  }
  const pkg = readPackageJson(path);
  let file: string;
  if (pkg.exports !== undefined && typeof pkg.name === 'string') {
    try {
      // The package resolving its own name: its `exports`, as an installed copy would resolve.
      file = fileURLToPath(resolveImport(pkg.name, pathToFileURL(join(path, 'package.json')).href));
    } catch (error) {
      throw new PluginLoadError(`the package at ${path} has no usable entry: ${errorMessage(error)}`);
    }
  } else {
    file = join(path, typeof pkg.main === 'string' ? pkg.main : 'index.js');
  }
  if (!existsSync(file)) {
    throw new PluginLoadError(
      `the package at ${path} names ${file} as its entry, which does not exist (build it first: npm run build)`,
    );
  }
  return file;
}

/** Import a plugin module file with the host's @toolhost/core; a failure names what is missing. */
async function importFile(file: string): Promise<unknown> {
  linkHostCore(file);
  try {
    return await import(pathToFileURL(file).href);
  } catch (error) {
    if (code(error) === 'ERR_MODULE_NOT_FOUND') {
      throw new PluginLoadError(
        `${file} imports something that cannot be found: ${errorMessage(error)} (install the plugin's dependencies)`,
        undefined,
        { cause: error },
      );
    }
    throw error;
  }
}

async function importSpecifier(spec: string, baseDir: string): Promise<unknown> {
  if (isPathSpecifier(spec)) {
    return importFile(entryFile(spec.startsWith('file:') ? fileURLToPath(spec) : resolve(baseDir, spec)));
  }
  try {
    // First the installation Toolhost itself runs from (where first-party plugins live)…
    return await import(spec);
  } catch (error) {
    if (!isNotFound(error, spec)) throw error;
  }
  let url: string;
  try {
    // …then node_modules beside the manifest (and above it), resolved as Node resolves an import there.
    url = resolveImport(spec, pathToFileURL(join(baseDir, 'package.json')).href);
  } catch (error) {
    if (!isNotFound(error, spec)) {
      throw new PluginLoadError(`cannot resolve package '${spec}' from ${baseDir}: ${errorMessage(error)}`);
    }
    throw new PluginLoadError(
      `cannot find package '${spec}' where Toolhost is installed nor in node_modules beside the manifest (${baseDir}); install it with npm there, or give a path such as ./plugins/my-plugin/index.js`,
    );
  }
  return importFile(fileURLToPath(url));
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
