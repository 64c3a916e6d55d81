import { z } from 'zod';
import type { Credentials } from '../../api/principal';
import type { EventBus } from '../../ports/event-bus';
import type { SettingsStore, UserSettings } from '../../ports/settings-store';
import { StoreUnavailableError } from '../../ports/store-error';
import type { Catalog } from '../catalog';
import { PluginLoadError } from '../errors';
import { LruTtlCache } from '../lru';

/** Thrown for settings that cannot be saved; the message says what to change. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    message: string,
    /** HTTP status for the settings API: 400 bad input, 409 read-only store. */
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
  }
}

/** The kernel's own settings fields; plugins add theirs (`userSettings`). */
export const userSettingsSchema = z
  .object({
    plugins: z.array(z.string().min(1).max(64)).max(200).default([]),
    disabledTools: z.array(z.string().min(1).max(128)).max(1_000).default([]),
  })
  .strict();

/** A plugin's contribution to user settings. */
export interface SettingsFields {
  readonly pluginId: string;
  readonly schema: z.ZodObject;
}

/**
 * The user settings schema: the kernel's fields plus every plugin's. A field two
 * plugins (or a plugin and the kernel) both declare is a load error naming both.
 */
export function composeSettingsSchema(fields: readonly SettingsFields[]): z.ZodObject {
  const owner = new Map<string, string>(
    Object.keys(userSettingsSchema.shape).map((key) => [key, 'the kernel']),
  );
  let schema: z.ZodObject = userSettingsSchema;
  for (const { pluginId, schema: own } of fields) {
    for (const key of Object.keys(own.shape)) {
      const first = owner.get(key);
      if (first) {
        throw new PluginLoadError(
          `declares the user settings field '${key}', which ${first === 'the kernel' ? 'the kernel' : `plugin '${first}'`} already has`,
          `plugin '${pluginId}'`,
        );
      }
      owner.set(key, pluginId);
    }
    schema = schema.extend(own.shape);
  }
  return schema.strict();
}

/** How long the last copy read of a user's settings may stand in while the store is down. */
const LAST_KNOWN_TTL_MS = 24 * 3_600_000;

/**
 * Users' settings: read through a short cache, validated against what is loaded
 * on write, and announced on the event bus so that the user's open streams learn
 * their tool list changed. A change announced on the bus (by this instance or, on
 * a shared bus, by another) drops the cached copy, so every instance reads the new
 * settings at once. While the store is down, callers are served with the last copy
 * read (`forServing`); the settings API itself answers the store's failure.
 */
export class SettingsService {
  private readonly cache = new LruTtlCache<string, UserSettings | null>(10_000);
  private readonly lastKnown = new LruTtlCache<string, UserSettings | null>(10_000);
  private readonly unsubscribe: () => void;
  /** Bumped by every invalidation: a read that raced one is served but not cached. */
  private invalidations = 0;

  constructor(
    private readonly store: SettingsStore,
    private readonly catalog: Catalog,
    private readonly bus: EventBus,
    /** How long a read is trusted; writes through this service invalidate at once. */
    private readonly cacheTtlMs = 30_000,
    /** The kernel's fields and the loaded plugins' (`composeSettingsSchema`). */
    private readonly schema: z.ZodObject = userSettingsSchema,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type !== 'list-changed') return;
      this.invalidations++;
      if (event.principalId === undefined) this.cache.clear();
      else this.cache.delete(event.principalId);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  get writable(): boolean {
    return this.store.writable;
  }

  async get(userId: string, credentials?: Credentials): Promise<UserSettings | undefined> {
    const cached = this.cache.get(userId);
    if (cached !== undefined) return cached ?? undefined;
    const before = this.invalidations;
    const settings = await this.store.get(userId, credentials);
    if (this.invalidations === before) this.cache.set(userId, settings ?? null, this.cacheTtlMs);
    this.lastKnown.set(userId, settings ?? null, LAST_KNOWN_TTL_MS);
    return settings;
  }

  /**
   * The settings to serve a caller with: as `get`, but while the store is down the
   * last copy this instance read or wrote stands in (a user never read here still
   * gets the store's error: serving defaults instead could widen their tools).
   */
  async forServing(userId: string, credentials?: Credentials): Promise<UserSettings | undefined> {
    try {
      return await this.get(userId, credentials);
    } catch (error) {
      const known = error instanceof StoreUnavailableError ? this.lastKnown.get(userId) : undefined;
      if (known === undefined) throw error;
      return known ?? undefined;
    }
  }

  /** Validate and save; names the first unknown plugin or tool. Returns what was stored. */
  async put(userId: string, input: unknown): Promise<UserSettings> {
    if (!this.store.writable) {
      throw new SettingsError(
        'Settings are managed outside this server (a read-only settings source); change them there.',
        409,
      );
    }
    const settings = this.validate(input);
    await this.store.put(userId, settings);
    this.cache.delete(userId);
    this.lastKnown.set(userId, settings, LAST_KNOWN_TTL_MS);
    await this.bus.publish({
      type: 'list-changed',
      lists: ['tools', 'prompts', 'resources'],
      principalId: userId,
    });
    return settings;
  }

  /**
   * The settings `input` would save, checked as `put` checks them (schema, known
   * plugins and tools) without saving: throws `SettingsError` naming what to change.
   */
  validate(input: unknown): UserSettings {
    const parsed = this.schema.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SettingsError(`${issue.path.map(String).join('.') || 'settings'}: ${issue.message}`);
    }
    const data = parsed.data as Record<string, unknown> & z.output<typeof userSettingsSchema>;
    const known = new Set(this.catalog.pluginIds());
    const unknownPlugin = data.plugins.find((id) => !known.has(id));
    if (unknownPlugin) {
      throw new SettingsError(
        `plugins: no plugin '${unknownPlugin}' on this server (available: ${[...known].join(', ')})`,
      );
    }
    const unknownTool = data.disabledTools.find((name) => !this.catalog.tools.has(name));
    if (unknownTool) throw new SettingsError(`disabledTools: no tool '${unknownTool}' on this server`);
    return {
      ...data,
      plugins: [...new Set(data.plugins)],
      disabledTools: [...new Set(data.disabledTools)],
    };
  }
}
