import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { ICONS_SCHEMA, z } from '@toolhost/core';
import { parseWindow } from '@toolhost/core/kernel';
import { defaultStorePath } from './stores/data-dir';

/** yaml loads with the first YAML manifest, not at start-up: the default manifest and stdio need none. */
const parseYaml = (text: string): unknown =>
  (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

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

/** A window such as "1h", "30m", "1d", "90s" (or milliseconds), in milliseconds. */
const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms =
    typeof value === 'number'
      ? Number.isInteger(value) && value > 0
        ? value
        : undefined
      : parseWindow(value);
  if (ms === undefined)
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not a duration such as 30s, 15m, 1h or 1d`,
    });
  return ms ?? 0;
});

/** Plugin ids and preset names, or `all`. */
const pluginList = z.union([z.literal('all'), z.array(z.string().min(1))]);

const authSection = z
  .object({
    /** Serve callers without a token, as the anonymous principal. */
    anonymous: z.boolean().default(true),
    /** Accept Hugging Face tokens (the hub plugin's identity provider, whoami-v2 at HF_ENDPOINT). */
    hf: z.boolean().default(true),
    /** Named in the protected resource metadata (RFC 9728) as where clients get tokens. */
    authorizationServers: z.array(z.url()).min(1).default(['https://huggingface.co']),
    /** Scopes advertised in the resource metadata. */
    scopes: z.array(z.string().min(1)).default(['openid', 'profile']),
    /** Verify JWT access tokens against this JWKS (audience: the MCP URL unless given). */
    jwt: z
      .object({
        jwksUrl: z.url(),
        issuer: z.string().optional(),
        audience: z.union([z.string(), z.array(z.string())]).optional(),
      })
      .strict()
      .optional(),
    /** How long a validated token is trusted before it is checked again. */
    tokenCacheSeconds: z.number().int().min(0).max(86_400).default(300),
    /**
     * Stale-if-error: how long past tokenCacheSeconds a token checked before keeps its
     * identity while its issuer (the Hub) cannot be reached; 0 turns it off.
     */
    staleIfErrorSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(86_400),
    /** Per-IP rate limit for requests not signed in (no token, or one the server did not accept); `false` turns it off. */
    rateLimit: z
      .union([z.literal(false), z.object({ max: z.number().int().min(1), per: duration }).strict()])
      .default({ max: 600, per: 60_000 }),
  })
  .strict();

const accessSection = z
  .object({
    anonymous: pluginList.default('all'),
    authenticated: pluginList.default('all'),
    plans: z.record(z.string(), pluginList).default({}),
    defaults: pluginList.default('all'),
    /** Tokens a caller's tools/list may cost before it lists by discovery: one number, or per plan (`default`: plans not listed). */
    toolBudget: z.union([z.number().int().min(1), z.record(z.string(), z.number().int().min(1))]).optional(),
  })
  .strict();

const quotasSection = z
  .object({
    plans: z.record(z.string(), z.object({ units: z.number().int().min(0), per: duration }).strict()),
  })
  .strict();

const storeKind = z.enum(['sqlite', 'memory']);
const storesSection = z
  .object({
    /** The adapter for settings, quotas and tokens when not set below. */
    default: storeKind.default('sqlite'),
    /**
     * The SQLite file, relative to the manifest's folder. Without a manifest (the
     * built-in default) it is `toolhost.db` in the per-user data folder instead.
     */
    path: z.string().min(1).default('./data/toolhost.db'),
    /** `hf` reads each user's settings from Hugging Face's MCP settings (read-only). */
    settings: z.enum(['sqlite', 'memory', 'hf', 'postgres']).optional(),
    quotas: z.enum(['sqlite', 'memory', 'redis', 'postgres']).optional(),
    tokens: z.enum(['sqlite', 'memory', 'postgres']).optional(),
    /** Where settings-changed and list-changed announcements travel: this process, or every instance through Redis. */
    bus: z.enum(['memory', 'redis']).default('memory'),
    /** The 2025 sessions' event store (resumability); `redis` also registers sessions so any instance serves them. */
    events: z.enum(['memory', 'redis']).default('memory'),
    /** The Redis every `redis` store uses (one connection per process); the URL defaults to REDIS_URL. */
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'is not a redis:// or rediss:// URL')
          .optional(),
        keyPrefix: z.string().max(64).default('toolhost:'),
      })
      .strict()
      .default({ keyPrefix: 'toolhost:' }),
    /** The PostgreSQL every `postgres` store uses; the URL defaults to DATABASE_URL. */
    postgres: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'is not a postgres:// URL')
          .optional(),
      })
      .strict()
      .default({}),
    /** When the quota store cannot charge: `closed` refuses the call (retryable), `open` runs it uncharged. */
    onFailure: z.enum(['closed', 'open']).default('closed'),
    /** How long a Redis or PostgreSQL connection attempt or command may take before it counts as failed. */
    timeout: duration.default(2_000),
    /** Tasks (2026-07-28 tasks extension): in SQLite any process on the file, in Redis any instance, answers `tasks/get`. */
    tasks: z.enum(['sqlite', 'memory', 'redis']).optional(),
    /** Images taken out of results (`?no_image_content`): in this process, or in Redis so any instance reads a link. */
    resultLinks: z.enum(['memory', 'redis']).default('memory'),
    /** Where the `hf` settings source reads; default {HF_ENDPOINT}/api/settings/mcp. */
    hfSettingsUrl: z.url().optional(),
  })
  .strict()
  .refine((stores) => stores.events !== 'redis' || stores.bus === 'redis', {
    message:
      'events: redis needs bus: redis (instances serving a shared session must hear when it is deleted or its lists change)',
    path: ['events'],
  });

const serverSection = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** The public base URL (https://mcp.example.com) when behind a proxy; else taken from each request. */
    publicUrl: z.url().optional(),
    port: z.number().int().min(0).max(65_535).default(3000),
    /** Host header names accepted besides localhost; `"*"` accepts any (only behind a proxy that checks Host). */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Origin host names accepted besides localhost (browsers send Origin). */
    allowedOrigins: z.array(z.string().min(1)).default([]),
    /**
     * The proxies in front (addresses or CIDRs) whose `X-Forwarded-For` names the caller's
     * address: anonymous quotas, rate limits and session caps then count per client, not per
     * proxy. `true` trusts any sender (only where nothing but the proxy can reach the server).
     */
    trustProxy: z.union([z.boolean(), z.array(z.string().min(1))]).default(false),
    /**
     * The HMAC key signing input-required `requestState` (32+ characters). Every instance
     * behind one URL needs the same key; default: TOOLHOST_REQUEST_STATE_KEY, else random per process.
     */
    requestStateKey: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Sent to clients at initialize / server/discover. */
    instructions: z.string().max(4_000).optional(),
    /** The server's icons (https: or data: sources), in its serverInfo and server card. */
    icons: ICONS_SCHEMA.optional(),
    toolTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
    setupTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Serve tools/list, tools/call, initialize and ping on the direct path (turn off to debug). */
    directPath: z.boolean().default(true),
    /** How long SIGTERM waits for in-flight requests before closing the rest. */
    drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Prometheus metrics at /metrics and the connection dashboard at /dashboard (turn off to skip their bookkeeping). */
    metrics: z.boolean().default(true),
  })
  .strict();

/** How MCP clients connect, beyond stateless Streamable HTTP (always on). */
const transportSection = z
  .object({
    /** 2025-era stateful sessions (Mcp-Session-Id, GET stream, resumability, elicitation, sampling). */
    sessions: z.boolean().default(false),
    /** Refuse new sessions (503) beyond this many open ones; shared with HTTP+SSE connections. */
    maxSessions: z.number().int().min(1).max(1_000_000).default(1_000),
    /** Refuse a caller's new session beyond this many of theirs (a user; an anonymous caller's address). */
    maxSessionsPerPrincipal: z.number().int().min(1).max(1_000_000).default(100),
    /** The share of maxSessions anonymous callers may hold together; the rest is kept for signed-in users. */
    anonymousShare: z.number().min(0).max(1).default(0.5),
    /** Close a session with no request and no open stream for this long. */
    idleTimeout: duration.default(30 * 60_000),
    /** SSE keep-alive ping interval on open streams. */
    keepAlive: duration.default(15_000),
    /** The deprecated HTTP+SSE transport of 2024-11-05 (GET /sse, POST /messages); needs sessions. */
    sse: z.boolean().default(false),
    /** Deepest nesting of objects and arrays accepted in a JSON-RPC body (HTTP and stdio); deeper is a parse error. */
    maxJsonDepth: z.number().int().min(16).max(10_000).default(64),
  })
  .strict()
  .refine((t) => !t.sse || t.sessions, {
    message: 'sse: true needs sessions: true (both keep per-connection state)',
    path: ['sse'],
  });

/** OpenTelemetry traces (off unless an OTLP endpoint is given here or in OTEL_EXPORTER_OTLP_ENDPOINT). */
const telemetrySection = z
  .object({
    /** The OTLP/HTTP collector's base URL (spans go to `<otlp>/v1/traces`); wins over the OTEL_* variables. */
    otlp: z.url().optional(),
    /** The `service.name` of the spans; OTEL_SERVICE_NAME wins. */
    serviceName: z.string().min(1).default('toolhost'),
    /** The share of requests without a caller's trace context that start a recorded trace; callers' sampling decisions are followed. */
    sampleRatio: z.number().min(0).max(1).default(1),
  })
  .strict();

/** Tool calls run as tasks (the 2026-07-28 tasks extension). */
const tasksSection = z
  .object({
    /** How long a task (and its result) is kept after it last changed. */
    ttl: duration.default(60 * 60_000),
    /** The polling interval suggested to clients. */
    pollInterval: duration.default(1_000),
    /** How long a running task stays claimed by its instance without renewal; past it, the task is failed. */
    lease: duration.default(30_000),
  })
  .strict();

/** How tool results are shaped for clients: per-client rules, and the image links `?no_image_content` makes. */
const resultsSection = z
  .object({
    /** How long an image taken out of a result stays readable through its link (resources/read). */
    imageLinkTtl: duration.default(10 * 60_000),
    /** The most image bytes held for links at once in memory (least recently used go first); in Redis, the largest one image. */
    imageLinkMaxBytes: z
      .number()
      .int()
      .min(1_024)
      .max(4 * 1024 ** 3)
      .default(64 * 1024 ** 2),
    /** Rules for clients by their clientInfo.name (case-insensitive; a trailing * matches a prefix). */
    clients: z
      .array(
        z
          .object({
            name: z.string().min(1).max(100),
            /** At most this many tokens per tool result (the smaller of this and ?max_result_tokens= wins). */
            maxResultTokens: z.number().int().min(1).optional(),
            /** Replace image content with a link to a short-lived resource, as ?no_image_content does. */
            noImageContent: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

/**
 * The server's own sections. Any other top-level key is a plugin's section (the
 * gradio plugin claims `spaces:`): kept as is (`pluginSections`) and handed to the
 * kernel, which gives it to the plugin that claims it as config and validates it there.
 */
export const manifestSchema = z
  .object({
    server: serverSection.default(serverSection.parse({})),
    plugins: z.array(pluginEntry).min(1, 'lists no plugins'),
    auth: authSection.default(authSection.parse({})),
    access: accessSection.default(accessSection.parse({})),
    presets: z
      .record(
        z.string().regex(/^[a-z][\w-]*$/, 'preset names are lower-case words'),
        z.array(z.string().min(1)),
      )
      .default({}),
    quotas: quotasSection.optional(),
    stores: storesSection.default(storesSection.parse({})),
    transport: transportSection.default(transportSection.parse({})),
    telemetry: telemetrySection.default(telemetrySection.parse({})),
    tasks: tasksSection.default(tasksSection.parse({})),
    results: resultsSection.default(resultsSection.parse({})),
  })
  .catchall(z.unknown());

export type Manifest = z.output<typeof manifestSchema>;

/** The top-level sections plugins claim (`spaces:` → @toolhost/plugin-gradio): every key not the server's own. */
export function pluginSections(manifest: Manifest): Record<string, unknown> {
  const own = new Set(Object.keys(manifestSchema.shape));
  return Object.fromEntries(Object.entries(manifest).filter(([key]) => !own.has(key)));
}

/**
 * The first-party plugin that reads each known plugin section, for the start-up
 * error when a manifest has the section but not the plugin. Names, not imports:
 * the server loads plugins only through the manifest.
 */
export const SECTION_PLUGINS: Readonly<Record<string, string>> = { spaces: '@toolhost/plugin-gradio' };
export type ServerSettings = Manifest['server'];

/** The manifest used when no file is given or found: the Hub plugins and Spaces, on their defaults. */
export const DEFAULT_MANIFEST: z.input<typeof manifestSchema> = {
  plugins: [
    { use: '@toolhost/plugin-hub' },
    { use: '@toolhost/plugin-models' },
    { use: '@toolhost/plugin-datasets' },
    { use: '@toolhost/plugin-spaces' },
    // hub_repo_search: models, datasets and Spaces in one search.
    { use: '@toolhost/plugin-repos' },
    { use: '@toolhost/plugin-papers' },
    { use: '@toolhost/plugin-docs' },
    { use: '@toolhost/plugin-image-gen' },
    // Users' Spaces and ?gradio=; claims the `spaces:` section.
    { use: '@toolhost/plugin-gradio' },
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

/**
 * `--config FILE`, else toolhost.config.{yaml,yml,json} in `cwd`, else the built-in
 * default. A manifest's `stores.path` is relative to its folder; the built-in default
 * keeps state in the per-user data folder (`TOOLHOST_DATA_DIR`, else the platform's),
 * never in the working folder.
 */
export function loadManifest(
  configPath: string | undefined,
  cwd: string = process.cwd(),
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoadedManifest {
  const file = configPath
    ? resolve(cwd, configPath)
    : DEFAULT_NAMES.map((name) => resolve(cwd, name)).find(existsSync);
  if (!file)
    return {
      manifest: parseManifest(
        { ...DEFAULT_MANIFEST, stores: { path: defaultStorePath(env, cwd) } },
        'built-in default manifest',
      ),
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
