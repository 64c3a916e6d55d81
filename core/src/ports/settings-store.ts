import type { Credentials } from '../api/principal';

/** Which plugins and tools one user has chosen, and the fields plugins add (`userSettings`). */
export interface UserSettings {
  /** Enabled plugin ids. */
  readonly plugins: readonly string[];
  /** Tools switched off within the enabled plugins. */
  readonly disabledTools: readonly string[];
  /** Fields contributed by plugins, validated by their schemas when saved. */
  readonly [field: string]: unknown;
}

/** Settings per principal id. The durable default is SQLite; Redis comes with multi-instance. */
export interface SettingsStore {
  /**
   * `undefined` when the user never saved settings (they get the manifest's defaults).
   * `credentials` are the caller's own, for stores that read settings kept elsewhere.
   */
  get(userId: string, credentials?: Credentials): Promise<UserSettings | undefined>;
  put(userId: string, settings: UserSettings): Promise<void>;
  /** Whether `put` works; a store mirroring settings kept elsewhere is read-only. */
  readonly writable: boolean;
  /**
   * Resolves when the store can serve, rejects (`StoreUnavailableError`) when it
   * cannot. Cheap: `/readyz` calls it on every probe. Absent: always ready (a
   * store that mirrors settings kept elsewhere degrades to defaults instead).
   */
  ping?(): Promise<void>;
  close?(): void | Promise<void>;
}

export class InMemorySettingsStore implements SettingsStore {
  readonly writable = true;
  private readonly settings = new Map<string, UserSettings>();

  /** Memory is always there. */
  async ping(): Promise<void> {}

  async get(userId: string): Promise<UserSettings | undefined> {
    return this.settings.get(userId);
  }

  async put(userId: string, settings: UserSettings): Promise<void> {
    this.settings.set(userId, structuredClone(settings));
  }
}
