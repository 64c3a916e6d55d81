import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pluginIdOf, templateFiles } from './plugin-template';
import { PluginUsageError } from './plugin-usage';

/** npm's rule for package names, scoped or not (lower case, URL-safe, at most 214 characters). */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * `toolhost plugin init <dir> [--name NAME]`: write a standalone plugin package into
 * `dir` (new or empty). The package name defaults to the folder's name.
 */
export function pluginInit(dir: string | undefined, name: string | undefined, out: (line: string) => void) {
  if (!dir) throw new PluginUsageError('plugin init needs a folder: toolhost plugin init ./my-plugin');
  const target = resolve(dir);
  const packageName = name ?? basename(target).toLowerCase();
  if (!PACKAGE_NAME.test(packageName) || packageName.length > 214) {
    throw new PluginUsageError(
      `'${packageName}' is not a valid npm package name (lower case letters, digits, - . _ ~, optionally @scope/); pick one with --name`,
    );
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new PluginUsageError(`${target} is not empty: plugin init writes into a new or empty folder`);
  }
  const files = templateFiles(packageName);
  for (const [path, text] of Object.entries(files)) {
    const file = join(target, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'wx' });
  }
  out(`Created the Toolhost plugin '${pluginIdOf(packageName)}' (package ${packageName}) in ${target}:`);
  for (const path of Object.keys(files).toSorted()) out(`  ${path}`);
  out('');
  out('Next:');
  out(`  cd ${dir} && npm install && npm test && npm run build`);
  out(`  toolhost plugin check ${dir}`);
}
