import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../src/manifest';
import { userDataDir } from '../src/stores/data-dir';

describe('where state goes without a manifest', () => {
  const cases: [string, NodeJS.Platform, Record<string, string>, string, string][] = [
    ['Linux, XDG_DATA_HOME', 'linux', { XDG_DATA_HOME: '/xdg' }, '/home/ada', '/xdg/toolhost'],
    ['Linux, no XDG_DATA_HOME', 'linux', {}, '/home/ada', '/home/ada/.local/share/toolhost'],
    [
      'Linux, empty XDG_DATA_HOME',
      'linux',
      { XDG_DATA_HOME: '' },
      '/home/ada',
      '/home/ada/.local/share/toolhost',
    ],
    // The XDG spec: a relative value is invalid and ignored (it would depend on the working folder).
    [
      'Linux, relative XDG_DATA_HOME',
      'linux',
      { XDG_DATA_HOME: 'rel' },
      '/home/ada',
      '/home/ada/.local/share/toolhost',
    ],
    ['FreeBSD', 'freebsd', {}, '/home/ada', '/home/ada/.local/share/toolhost'],
    [
      'macOS',
      'darwin',
      { XDG_DATA_HOME: '/xdg' },
      '/Users/ada',
      '/Users/ada/Library/Application Support/toolhost',
    ],
    [
      'Windows, LOCALAPPDATA',
      'win32',
      { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
      'C:\\Users\\ada',
      'C:\\Users\\ada\\AppData\\Local\\toolhost',
    ],
    ['Windows, no LOCALAPPDATA', 'win32', {}, 'C:\\Users\\ada', 'C:\\Users\\ada\\AppData\\Local\\toolhost'],
    [
      'TOOLHOST_DATA_DIR first',
      'linux',
      { TOOLHOST_DATA_DIR: '/srv/th', XDG_DATA_HOME: '/xdg' },
      '/home/ada',
      '/srv/th',
    ],
    [
      'TOOLHOST_DATA_DIR relative to cwd',
      'linux',
      { TOOLHOST_DATA_DIR: 'state' },
      '/home/ada',
      '/work/state',
    ],
    ['TOOLHOST_DATA_DIR on Windows', 'win32', { TOOLHOST_DATA_DIR: 'D:\\th' }, 'C:\\Users\\ada', 'D:\\th'],
  ];
  it.each(cases)('%s', (_name, platform, env, home, expected) => {
    expect(userDataDir(env, platform, home, platform === 'win32' ? 'C:\\work' : '/work')).toBe(expected);
  });
});

describe('the stores path of a loaded manifest', () => {
  it('is in the data folder for the built-in default, never in the working folder', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'toolhost-cwd-'));
    const data = mkdtempSync(join(tmpdir(), 'toolhost-data-'));
    const loaded = loadManifest(undefined, cwd, { TOOLHOST_DATA_DIR: data });
    expect(loaded.source).toBe('built-in default');
    expect(loaded.manifest.stores.path).toBe(join(data, 'toolhost.db'));
    expect(loadManifest(undefined, cwd, { XDG_DATA_HOME: data }).manifest.stores.path).toBe(
      join(data, 'toolhost', 'toolhost.db'),
    );
  });

  it("stays relative to a manifest's folder, whatever TOOLHOST_DATA_DIR says", () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolhost-manifest-'));
    writeFileSync(join(dir, 'toolhost.config.yaml'), 'plugins:\n  - use: "@toolhost/plugin-hub"\n');
    const loaded = loadManifest(undefined, dir, { TOOLHOST_DATA_DIR: '/elsewhere' });
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.manifest.stores.path).toBe('./data/toolhost.db');
  });
});
