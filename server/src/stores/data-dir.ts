import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/**
 * Where Toolhost keeps its state when no manifest says (the built-in default):
 * `TOOLHOST_DATA_DIR`, else the platform's per-user data folder — never the working
 * folder, which desktop clients often set to `/` or another read-only place.
 *
 * - Linux and others: `$XDG_DATA_HOME/toolhost`, else `~/.local/share/toolhost`
 * - macOS: `~/Library/Application Support/toolhost`
 * - Windows: `%LOCALAPPDATA%\toolhost`, else `~\AppData\Local\toolhost`
 *
 * A relative `TOOLHOST_DATA_DIR` is taken from `cwd`; a relative `XDG_DATA_HOME` or
 * `LOCALAPPDATA` is ignored (the XDG spec says so: it would depend on the working folder).
 */
export function userDataDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
  cwd: string = process.cwd(),
): string {
  const path = platform === 'win32' ? win32 : posix;
  const given = env['TOOLHOST_DATA_DIR'];
  if (given) return path.resolve(cwd, given);
  const absolute = (name: string) => {
    const value = env[name];
    return value && path.isAbsolute(value) ? value : undefined;
  };
  if (platform === 'win32') {
    return path.join(absolute('LOCALAPPDATA') ?? path.join(home, 'AppData', 'Local'), 'toolhost');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'toolhost');
  return path.join(absolute('XDG_DATA_HOME') ?? path.join(home, '.local', 'share'), 'toolhost');
}

/** The SQLite file of the built-in default manifest. */
export function defaultStorePath(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const dir = userDataDir(env, process.platform, homedir(), cwd);
  return (process.platform === 'win32' ? win32 : posix).join(dir, 'toolhost.db');
}
