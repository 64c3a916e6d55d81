/**
 * What the layout promises (issue 12): the kernel knows nothing of Hugging Face or
 * Spaces — that lives in the hub and gradio plugins — and the server loads plugins
 * only through the manifest, never by importing them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './src/helpers';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.[cm]?[jt]s$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every line of the files under `dir` that matches, as `path:line: text`. */
function matching(dir: string, pattern: RegExp): string[] {
  return sources(join(REPO_ROOT, dir)).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) =>
        pattern.test(line) ? [`${relative(REPO_ROOT, file)}:${index + 1}: ${line.trim()}`] : [],
      ),
  );
}

describe('layout boundaries', () => {
  it('core/src has no Hugging Face or Space specifics, comments included', () => {
    const specifics = /whoami|hf_|spaces|hugging\s*face|gradio/i;
    expect(sources(join(REPO_ROOT, 'core/src')).length).toBeGreaterThan(20);
    expect(matching('core/src', specifics)).toEqual([]);
  });

  it('server/src imports no plugin package', () => {
    const pluginImport = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]@toolhost\/plugin-/;
    expect(pluginImport.test("import { x } from '@toolhost/plugin-gradio';")).toBe(true);
    expect(pluginImport.test("const y = await import('@toolhost/plugin-hub');")).toBe(true);
    expect(pluginImport.test("  { use: '@toolhost/plugin-hub' },")).toBe(false);
    expect(matching('server/src', pluginImport)).toEqual([]);
  });

  it('server/src sees the kernel only through its facade and the ports', () => {
    const coreImport = /['"](@toolhost\/core[^'"]*|(?:\.\.\/)+core\/[^'"]*)['"]/;
    const allowed = new Set(['@toolhost/core', '@toolhost/core/kernel', '@toolhost/core/ports']);
    const reached = matching('server/src', coreImport)
      .map((line) => coreImport.exec(line)![1]!)
      .filter((module) => !allowed.has(module));
    expect(matching('server/src', coreImport).length).toBeGreaterThan(10);
    expect(reached).toEqual([]);
  });

  it('the facade exports createKernel and the helpers of its contract, nothing internal', async () => {
    const facade = await import('@toolhost/core/kernel');
    expect(Object.keys(facade).toSorted()).toEqual([
      'CancellationSource',
      'DEFAULT_MAX_JSON_DEPTH',
      'MIN_RESULT_TOKENS',
      'PluginLoadError',
      'SettingsError',
      'UnclaimedSectionError',
      'clientKey',
      'createKernel',
      'describePlugins',
      'exceedsJsonDepth',
      'formatWindow',
      'jsonDepthError',
      'loadTokenCounter',
      'parseResultPreferences',
      'parseWindow',
    ]);
  });
});
