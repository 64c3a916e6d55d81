import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console pages' scripts and styles: built from `server/web/` by the server's
 * build (`tsup.web.ts`: esbuild, uPlot bundled in) into `server/dist/web/`, and
 * served from there. Only these names are served.
 */
export const CONSOLE_ASSETS: Readonly<Record<string, string>> = {
  'settings.js': 'text/javascript; charset=utf-8',
  'settings.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/** The server package's folder: the first folder up from this module with its package.json (src or dist alike). */
function packageRoot(): string | undefined {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@toolhost/server')
          return folder;
      } catch {
        // not a package.json we can read: keep looking up
      }
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** Built assets, read once each. */
export class ConsoleAssets {
  private readonly folder: string | undefined;
  private readonly cache = new Map<string, Buffer>();

  constructor(folder?: string) {
    const root = folder === undefined ? packageRoot() : undefined;
    this.folder = folder ?? (root && join(root, 'dist', 'web'));
  }

  /** Whether the build produced every asset (else the pages say to run `npm run build`). */
  get built(): boolean {
    return Object.keys(CONSOLE_ASSETS).every((name) => this.get(name) !== undefined);
  }

  /** The asset's bytes and content type; undefined for a name not served or not built. */
  get(name: string): { body: Buffer; type: string } | undefined {
    const type = CONSOLE_ASSETS[name];
    if (!type || !this.folder) return undefined;
    let body = this.cache.get(name);
    if (!body) {
      const path = join(this.folder, name);
      if (!existsSync(path)) return undefined;
      body = readFileSync(path);
      this.cache.set(name, body);
    }
    return { body, type };
  }
}
