import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from '@toolhost/core';
import { parse as parseYaml } from 'yaml';

/** A manifest that cannot be used: the message names the file and the field. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

const pluginEntry = z
  .object({
    use: z.string().min(1, 'names no package or path'),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const serverSection = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(3000),
    /** Host header names accepted besides localhost; `"*"` accepts any (only behind a proxy that checks Host). */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Origin host names accepted besides localhost (browsers send Origin). */
    allowedOrigins: z.array(z.string().min(1)).default([]),
    /** Sent to clients at initialize / server/discover. */
    instructions: z.string().max(4_000).optional(),
    toolTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
    setupTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Serve tools/list, tools/call, initialize and ping on the direct path (turn off to debug). */
    directPath: z.boolean().default(true),
    /** How long SIGTERM waits for in-flight requests before closing the rest. */
    drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const manifestSchema = z
  .object({
    server: serverSection.default(serverSection.parse({})),
    plugins: z.array(pluginEntry).min(1, 'lists no plugins'),
    // Sections owned by later features; accepted now so manifests can grow without breaking.
    auth: z.unknown().optional(),
    access: z.unknown().optional(),
    presets: z.unknown().optional(),
    quotas: z.unknown().optional(),
    stores: z.unknown().optional(),
    spaces: z.unknown().optional(),
  })
  .strict();

export type Manifest = z.output<typeof manifestSchema>;
export type ServerSettings = Manifest['server'];

/** The manifest used when no file is given or found: the Hub plugins, on their defaults. */
export const DEFAULT_MANIFEST: z.input<typeof manifestSchema> = {
  plugins: [
    { use: '@toolhost/plugin-hub' },
    { use: '@toolhost/plugin-models' },
    { use: '@toolhost/plugin-datasets' },
    { use: '@toolhost/plugin-spaces' },
    { use: '@toolhost/plugin-papers' },
    { use: '@toolhost/plugin-docs' },
  ],
};

/** `plugins.1.use` → `plugins[1].use`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

export function parseManifest(data: unknown, source: string): Manifest {
  const parsed = manifestSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const path = fieldPath(issue.path);
      const message =
        issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
      return path ? `${path}: ${message}` : message;
    });
    throw new ManifestError(`${source}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

export interface LoadedManifest {
  manifest: Manifest;
  /** Relative plugin paths resolve against this folder. */
  baseDir: string;
  /** The file it came from, or `built-in default`. */
  source: string;
}

const DEFAULT_NAMES = ['toolhost.config.yaml', 'toolhost.config.yml', 'toolhost.config.json'];

/** `--config FILE`, else toolhost.config.{yaml,yml,json} in `cwd`, else the built-in default. */
export function loadManifest(configPath: string | undefined, cwd: string = process.cwd()): LoadedManifest {
  const file = configPath
    ? resolve(cwd, configPath)
    : DEFAULT_NAMES.map((name) => resolve(cwd, name)).find(existsSync);
  if (!file)
    return {
      manifest: parseManifest(DEFAULT_MANIFEST, 'built-in default manifest'),
      baseDir: cwd,
      source: 'built-in default',
    };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ManifestError(`${file}: cannot read the manifest (${(error as Error).message})`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ManifestError(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${(error as Error).message})`,
    );
  }
  return { manifest: parseManifest(data, file), baseDir: dirname(file), source: file };
}
