import { z } from 'zod';
import type { Credentials } from '../../api/principal';
import type { EventBus } from '../../ports/event-bus';
import type { SettingsStore, UserSettings } from '../../ports/settings-store';
import type { Catalog } from '../catalog';
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

const SPACE_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/;

export const userSettingsSchema = z
  .object({
    plugins: z.array(z.string().min(1).max(64)).max(200).default([]),
    disabledTools: z.array(z.string().min(1).max(128)).max(1_000).default([]),
    spaces: z.array(z.string().regex(SPACE_ID, 'must look like "owner/name"')).max(100).default([]),
  })
  .strict();

/**
 * Users' settings: read through a short cache, validated against what is loaded
 * on write, and announced on the event bus so that the user's open streams learn
 * their tool list changed.
 */
export class SettingsService {
  private readonly cache = new LruTtlCache<string, UserSettings | null>(10_000);

  constructor(
    private readonly store: SettingsStore,
    private readonly catalog: Catalog,
    private readonly bus: EventBus,
    /** How long a read is trusted; writes through this service invalidate at once. */
    private readonly cacheTtlMs = 30_000,
  ) {}

  get writable(): boolean {
    return this.store.writable;
  }

  async get(userId: string, credentials?: Credentials): Promise<UserSettings | undefined> {
    const cached = this.cache.get(userId);
    if (cached !== undefined) return cached ?? undefined;
    const settings = await this.store.get(userId, credentials);
    this.cache.set(userId, settings ?? null, this.cacheTtlMs);
    return settings;
  }

  /** Validate and save; names the first unknown plugin or tool. Returns what was stored. */
  async put(userId: string, input: unknown): Promise<UserSettings> {
    if (!this.store.writable) {
      throw new SettingsError(
        'Settings are managed outside this server (settings source: Hugging Face); change them there.',
        409,
      );
    }
    const parsed = userSettingsSchema.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SettingsError(`${issue.path.map(String).join('.') || 'settings'}: ${issue.message}`);
    }
    const known = new Set(this.catalog.pluginIds());
    const unknownPlugin = parsed.data.plugins.find((id) => !known.has(id));
    if (unknownPlugin) {
      throw new SettingsError(
        `plugins: no plugin '${unknownPlugin}' on this server (available: ${[...known].join(', ')})`,
      );
    }
    const unknownTool = parsed.data.disabledTools.find((name) => !this.catalog.tools.has(name));
    if (unknownTool) throw new SettingsError(`disabledTools: no tool '${unknownTool}' on this server`);
    const settings: UserSettings = {
      plugins: [...new Set(parsed.data.plugins)],
      disabledTools: [...new Set(parsed.data.disabledTools)],
      spaces: [...new Set(parsed.data.spaces)],
    };
    await this.store.put(userId, settings);
    this.cache.delete(userId);
    await this.bus.publish({
      type: 'list-changed',
      lists: ['tools', 'prompts', 'resources'],
      principalId: userId,
    });
    return settings;
  }
}
