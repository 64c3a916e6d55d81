import type {
  QuotaCharge,
  QuotaStore,
  SettingsStore,
  StoreName,
  TokenRecord,
  TokenStore,
  UserSettings,
} from '@toolhost/core/ports';
import { StoreUnavailableError, windowStart } from '@toolhost/core/ports';
import pg from 'pg';
import { oneLine, redactUrl } from './redis';
import { type StoreFaultListener, StoreOpenError } from './sqlite';
import { type TokenRow, tokenRecordOf } from './token-row';

/**
 * Schema versions, applied in order, each once: `toolhost_schema` records the
 * versions applied. Add a step to change the schema; never edit a shipped one.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE toolhost_settings (user_id TEXT PRIMARY KEY, json JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
   CREATE TABLE toolhost_quota (key TEXT PRIMARY KEY, window_start BIGINT NOT NULL, used INTEGER NOT NULL);
   CREATE TABLE toolhost_tokens (hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, "user" TEXT NOT NULL,
                                 plan TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);`,
];

/** Any number taken as the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 7_464_561;

/**
 * PostgreSQL for settings, tokens and quotas shared by every instance: one pool
 * per process, tables created and migrated on open. Connections and statements
 * time out after `timeoutMs`, so an outage is a `StoreUnavailableError`, not a hang.
 */
export class PostgresDatabase {
  private constructor(
    readonly pool: pg.Pool,
    private readonly onFault?: StoreFaultListener,
  ) {}

  /**
   * Connect, check and migrate.
   * @throws StoreOpenError (one line, the URL without its password) when it cannot.
   */
  static async open(url: string, timeoutMs: number, onFault?: StoreFaultListener): Promise<PostgresDatabase> {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle pooled connection the server dropped emits here (an unhandled 'error' would end the
    // process); the pool replaces it, and a query that fails reports itself.
    pool.on('error', () => {});
    const database = new PostgresDatabase(pool, onFault);
    try {
      await database.migrate();
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StoreOpenError(
        `cannot use PostgreSQL at ${redactUrl(url)}: ${oneLine((error as Error).message || String(error))}`,
        { cause: error },
      );
    }
    return database;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Instances starting together migrate one after the other, each reading the version inside the lock.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS toolhost_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
      );
      const { rows } = await client.query<{ version: number | null }>(
        'SELECT max(version) AS version FROM toolhost_schema',
      );
      for (let step = rows[0]?.version ?? 0; step < MIGRATIONS.length; step++) {
        await client.query(MIGRATIONS[step]!);
        await client.query('INSERT INTO toolhost_schema (version, applied_at) VALUES ($1, now())', [
          step + 1,
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** One query for `store`; any failure is reported and thrown as unavailable. */
  async query<R extends pg.QueryResultRow>(
    store: StoreName,
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      this.onFault?.(store, error);
      throw new StoreUnavailableError(store, { cause: error });
    }
  }

  async ping(store: StoreName): Promise<void> {
    await this.query(store, 'SELECT 1');
  }

  close(): Promise<void> {
    return this.pool.end().catch(() => {});
  }
}

export class PostgresSettingsStore implements SettingsStore {
  readonly writable = true;

  constructor(private readonly database: PostgresDatabase) {}

  async get(userId: string): Promise<UserSettings | undefined> {
    const { rows } = await this.database.query<{ json: UserSettings }>(
      'settings',
      'SELECT json FROM toolhost_settings WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.json;
  }

  async put(userId: string, settings: UserSettings): Promise<void> {
    await this.database.query(
      'settings',
      `INSERT INTO toolhost_settings (user_id, json, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id) DO UPDATE SET json = EXCLUDED.json, updated_at = EXCLUDED.updated_at`,
      [userId, JSON.stringify(settings)],
    );
  }

  ping(): Promise<void> {
    return this.database.ping('settings');
  }
}

/**
 * Quota counters in one row per account. The charge is one statement: the upsert
 * locks the row, and its WHERE adds the cost only if it fits the limit of the
 * current window (a row of a past window counts as empty), so concurrent charges
 * from any number of instances never pass the last unit together.
 */
export class PostgresQuotaStore implements QuotaStore {
  constructor(private readonly database: PostgresDatabase) {}

  async charge(
    key: string,
    cost: number,
    limit: number,
    windowMs: number,
    now = Date.now(),
  ): Promise<QuotaCharge> {
    const start = windowStart(now, windowMs);
    const resetAt = start + windowMs;
    if (cost <= limit) {
      const { rows } = await this.database.query<{ used: number }>(
        'quotas',
        `INSERT INTO toolhost_quota AS q (key, window_start, used) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE
           SET used = CASE WHEN q.window_start = EXCLUDED.window_start THEN q.used ELSE 0 END + EXCLUDED.used,
               window_start = EXCLUDED.window_start
           WHERE CASE WHEN q.window_start = EXCLUDED.window_start THEN q.used ELSE 0 END + EXCLUDED.used <= $4
         RETURNING used`,
        [key, start, cost, limit],
      );
      if (rows[0]) return { allowed: true, used: rows[0].used, resetAt };
    }
    const { rows } = await this.database.query<{ used: number }>(
      'quotas',
      'SELECT used FROM toolhost_quota WHERE key = $1 AND window_start = $2',
      [key, start],
    );
    return { allowed: false, used: rows[0]?.used ?? 0, resetAt };
  }

  ping(): Promise<void> {
    return this.database.ping('quotas');
  }
}

export class PostgresTokenStore implements TokenStore {
  constructor(private readonly database: PostgresDatabase) {}

  async insert(hash: string, record: TokenRecord): Promise<void> {
    await this.database.query(
      'tokens',
      'INSERT INTO toolhost_tokens (hash, id, "user", plan, created_at) VALUES ($1, $2, $3, $4, $5)',
      [hash, record.id, record.user, record.plan, record.createdAt],
    );
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    const { rows } = await this.database.query<TokenRow>(
      'tokens',
      'SELECT * FROM toolhost_tokens WHERE hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    return rows[0] && tokenRecordOf(rows[0]);
  }

  async list(): Promise<TokenRecord[]> {
    const { rows } = await this.database.query<TokenRow>(
      'tokens',
      'SELECT * FROM toolhost_tokens ORDER BY created_at',
    );
    return rows.map(tokenRecordOf);
  }

  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.database.query(
      'tokens',
      'UPDATE toolhost_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [new Date().toISOString(), id],
    );
    return (rowCount ?? 0) > 0;
  }

  ping(): Promise<void> {
    return this.database.ping('tokens');
  }
}
