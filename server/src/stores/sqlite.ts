import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  QuotaCharge,
  QuotaStore,
  SettingsStore,
  TokenRecord,
  TokenStore,
  UserSettings,
} from '@toolhost/core/kernel';
import { applyCharge } from '@toolhost/core/kernel';
import Database from 'better-sqlite3';

/**
 * The embedded durable store: one SQLite file (WAL mode) holding settings, quota
 * counters and token hashes, so they survive restarts. The CLI (`toolhost tokens`)
 * and the server may open the same file at once; SQLite's locking keeps them
 * consistent, and quota charges run in IMMEDIATE transactions to stay atomic.
 */
export class SqliteDatabase {
  readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Schema versions by `user_version`; each step runs once, in order. */
  private migrate(): void {
    const steps = [
      `CREATE TABLE settings (user_id TEXT PRIMARY KEY, json TEXT NOT NULL, updated_at TEXT NOT NULL);
       CREATE TABLE quota (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, used INTEGER NOT NULL);
       CREATE TABLE tokens (hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, user TEXT NOT NULL, plan TEXT NOT NULL,
                            created_at TEXT NOT NULL, revoked_at TEXT);`,
    ];
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let step = version; step < steps.length; step++) {
      this.db.transaction(() => {
        this.db.exec(steps[step]!);
        this.db.pragma(`user_version = ${step + 1}`);
      })();
    }
  }
}

export class SqliteSettingsStore implements SettingsStore {
  readonly writable = true;
  private readonly select;
  private readonly upsert;

  constructor(database: SqliteDatabase) {
    this.select = database.db.prepare<[string], { json: string }>(
      'SELECT json FROM settings WHERE user_id = ?',
    );
    this.upsert = database.db.prepare(
      `INSERT INTO settings (user_id, json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(user_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
    );
  }

  async get(userId: string): Promise<UserSettings | undefined> {
    const row = this.select.get(userId);
    return row ? (JSON.parse(row.json) as UserSettings) : undefined;
  }

  async put(userId: string, settings: UserSettings): Promise<void> {
    this.upsert.run(userId, JSON.stringify(settings), new Date().toISOString());
  }
}

export class SqliteQuotaStore implements QuotaStore {
  private readonly chargeTx: (
    key: string,
    cost: number,
    limit: number,
    windowMs: number,
    now: number,
  ) => QuotaCharge;

  constructor(database: SqliteDatabase) {
    const { db } = database;
    const select = db.prepare<[string], { window_start: number; used: number }>(
      'SELECT window_start, used FROM quota WHERE key = ?',
    );
    const write = db.prepare(
      `INSERT INTO quota (key, window_start, used) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET window_start = excluded.window_start, used = excluded.used`,
    );
    const transaction = db.transaction(
      (key: string, cost: number, limit: number, windowMs: number, now: number) => {
        const row = select.get(key);
        const { charge, next } = applyCharge(
          row && { start: row.window_start, used: row.used },
          cost,
          limit,
          windowMs,
          now,
        );
        if (next) write.run(key, next.start, next.used);
        return charge;
      },
    );
    // IMMEDIATE takes the write lock up front: a second process cannot interleave a charge.
    this.chargeTx = (...args) => transaction.immediate(...args);
  }

  async charge(
    key: string,
    cost: number,
    limit: number,
    windowMs: number,
    now = Date.now(),
  ): Promise<QuotaCharge> {
    return this.chargeTx(key, cost, limit, windowMs, now);
  }
}

interface TokenRow {
  id: string;
  user: string;
  plan: string;
  created_at: string;
  revoked_at: string | null;
}

const toRecord = (row: TokenRow): TokenRecord => ({
  id: row.id,
  user: row.user,
  plan: row.plan,
  createdAt: row.created_at,
  ...(row.revoked_at && { revokedAt: row.revoked_at }),
});

export class SqliteTokenStore implements TokenStore {
  private readonly insertStmt;
  private readonly findStmt;
  private readonly listStmt;
  private readonly revokeStmt;

  constructor(database: SqliteDatabase) {
    const { db } = database;
    this.insertStmt = db.prepare(
      'INSERT INTO tokens (hash, id, user, plan, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.findStmt = db.prepare<[string], TokenRow>(
      'SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL',
    );
    this.listStmt = db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at');
    this.revokeStmt = db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  }

  async insert(hash: string, record: TokenRecord): Promise<void> {
    this.insertStmt.run(hash, record.id, record.user, record.plan, record.createdAt);
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    const row = this.findStmt.get(hash);
    return row && toRecord(row);
  }

  async list(): Promise<TokenRecord[]> {
    return this.listStmt.all().map(toRecord);
  }

  async revoke(id: string): Promise<boolean> {
    return this.revokeStmt.run(new Date().toISOString(), id).changes > 0;
  }
}
