import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import semver from 'semver';
import { PluginLoadError } from './errors';

/**
 * Every plugin gets the host's single `@toolhost/core`, wherever it lives.
 *
 * A plugin outside the host's installation (beside a manifest in another folder, or
 * a one-file `.mjs`) cannot resolve `@toolhost/core` by itself, or resolves its own
 * copy: a second zod, a second set of classes (`ToolError` would no longer be the
 * kernel's). Before importing such a plugin, the loader checks the copy it would get
 * and registers a module resolve hook that answers `@toolhost/core` (and its
 * subpaths) from the host's package instead. A copy of another version line is
 * refused, naming both versions.
 */

const CORE = '@toolhost/core';

/**
 * The resolve hook, as a module of its own (a data: URL, so it needs no file beside
 * the bundle). `anchor` is a file inside the host's core package: resolving
 * `@toolhost/core` from there is the package resolving itself (its `exports`).
 */
const HOOK_SOURCE = `
let anchor, hostDir;
export function initialize(data) { anchor = data.anchor; hostDir = data.hostDir; }
export function resolve(specifier, context, next) {
  if ((specifier === ${JSON.stringify(CORE)} || specifier.startsWith(${JSON.stringify(`${CORE}/`)})) &&
      context.parentURL && !context.parentURL.startsWith(hostDir)) {
    return next(specifier, { ...context, parentURL: anchor });
  }
  return next(specifier, context);
}
`;

let hookRegistered = false;

function registerCoreHook(): void {
  if (hookRegistered) return;
  // module.register arrived in Node 20.6; a namespace import keeps older 20.x able to load the kernel.
  if (typeof nodeModule.register !== 'function') {
    throw new PluginLoadError(
      `a plugin outside Toolhost's installation needs Node 20.6 or newer to be given the host's ${CORE} (this is ${process.version})`,
    );
  }
  hookRegistered = true;
  nodeModule.register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, {
    data: {
      anchor: pathToFileURL(join(HOST_CORE_DIR, 'package.json')).href,
      hostDir: pathToFileURL(HOST_CORE_DIR + sep).href,
    },
  });
}

/** The folder of the package a resolved file belongs to: the nearest package.json named `@toolhost/core`. */
function corePackageDir(file: string): string | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === CORE) return dir;
    } catch {
      // not a readable package.json: keep looking up
    }
  }
  return undefined;
}

/** The host's `@toolhost/core` package folder: the package this module is part of (bundled or not). */
const HOST_CORE_DIR =
  corePackageDir(realpathSync(fileURLToPath(import.meta.url))) ??
  realpathSync(fileURLToPath(new URL('../../', import.meta.url)));

function versionAt(dir: string): string {
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}

/** Whether two core versions are on the same compatible line (same major; same minor below 1.0). */
function sameLine(a: string, b: string): boolean {
  if (!semver.valid(a) || !semver.valid(b)) return false;
  return semver.satisfies(a, `^${b}`) || semver.satisfies(b, `^${a}`);
}

/**
 * Make sure the plugin module at `file` will get the host's `@toolhost/core`:
 * nothing to do when it resolves to the host's copy already; a hook when it resolves
 * none (a file outside any installation) or a compatible copy of its own; a
 * `PluginLoadError` naming both versions when its own copy is incompatible.
 */
export function linkHostCore(file: string): void {
  let resolved: string | undefined;
  try {
    resolved = fileURLToPath(resolveImport(CORE, pathToFileURL(file).href));
  } catch {
    resolved = undefined; // nothing to resolve from there: the hook supplies the host's
  }
  if (resolved !== undefined) {
    const own = corePackageDir(realpathSync(resolved));
    if (own === undefined || own === HOST_CORE_DIR) return;
    const ownVersion = versionAt(own);
    const hostVersion = versionAt(HOST_CORE_DIR);
    if (!sameLine(ownVersion, hostVersion)) {
      throw new PluginLoadError(
        `it brings its own ${CORE} ${ownVersion} (${own}), incompatible with this Toolhost's ${CORE} ${hostVersion}; ` +
          `a plugin must use the host's copy: declare ${CORE} as a peerDependency (^${hostVersion}) and remove its own`,
      );
    }
  }
  registerCoreHook();
}
