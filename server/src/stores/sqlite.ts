import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  QuotaCharge,
  QuotaStore,
  SettingsStore,
  StoreName,
  TokenRecord,
  TokenStore,
  UserSettings,
} from '@toolhost/core/ports';
import { applyCharge, StoreUnavailableError } from '@toolhost/core/ports';
import Database from 'better-sqlite3';
import { type TokenRow, tokenRecordOf } from './token-row';

/** The state store cannot be opened at start-up; the message says where and why, in one line. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

/** Why a file could not be used, in words an operator can act on. */
function describeOpenFailure(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a folder on its path is a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'SQLITE_CANTOPEN':
      return 'it cannot be opened (is it a folder, or is its folder not writable?)';
    case 'SQLITE_READONLY':
      return 'it is read-only';
    case 'SQLITE_NOTADB':
      return 'it is not a SQLite database';
    default:
      return message ?? String(error);
  }
}

/** Blocks the thread: only for the constructor's start-up retry, which runs before serving. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Called with every store failure, for the operator's log (the caller gets "unavailable; try again"). */
export type StoreFaultListener = (store: StoreName, error: unknown) => void;

/**
 * The embedded durable store: one SQLite file (WAL mode) holding settings, quota
 * counters and token hashes, so they survive restarts. The CLI (`toolhost tokens`)
 * and the server may open the same file at once; SQLite's locking keeps them
 * consistent, and quota charges run in IMMEDIATE transactions to stay atomic.
 * Every failure once open is thrown as `StoreUnavailableError` naming the store.
 */
export class SqliteDatabase {
  readonly db: Database.Database;
  private readonly probe: Database.Statement;

  /** @throws StoreOpenError when the file cannot be created, opened or written. */
  constructor(
    readonly path: string,
    private readonly onFault?: StoreFaultListener,
  ) {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      this.db = db;
      this.db.pragma('busy_timeout = 5000');
      this.useWriteAheadLog();
      this.migrate();
      this.probe = this.db.prepare('UPDATE quota SET used = used WHERE 0');
      this.writeProbe();
    } catch (error) {
      if (db?.open) db.close();
      throw new StoreOpenError(`cannot use the state store ${path}: ${describeOpenFailure(error)}`, {
        cause: error,
      });
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Whether the database can be written now, without writing: a write transaction
   * that changes nothing and is rolled back. It fails when the handle is closed, the
   * file is read-only or not a database; a write lock held by another process (the
   * tokens CLI) means the database works, so it passes. Cheap enough for /readyz.
   * @throws StoreUnavailableError naming `store`.
   */
  ping(store: StoreName): void {
    this.run(store, () => this.writeProbe());
  }

  /** Run one store operation; any failure is reported and thrown as unavailable. */
  run<T>(store: StoreName, operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      this.onFault?.(store, error);
      throw new StoreUnavailableError(store, { cause: error });
    }
  }

  private writeProbe(): void {
    // Do not wait for another process's write lock: a probe must answer at once.
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        this.probe.run();
      } finally {
        this.db.exec('ROLLBACK');
      }
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    } finally {
      if (this.db.open) this.db.pragma('busy_timeout = 5000');
    }
  }

  /**
   * Switch a new file to WAL. Two processes switching the same new file at once both
   * hold a read lock and want the exclusive one; SQLite answers one of them SQLITE_BUSY
   * at once, without waiting (its deadlock rule), so the busy timeout does not help.
   * The loser tries again until the winner is done, for at most the busy timeout.
   */
  private useWriteAheadLog(): void {
    const deadline = Date.now() + 5000;
    for (let attempt = 1; ; attempt++) {
      try {
        this.db.pragma('journal_mode = WAL');
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
        sleepSync(Math.min(5 * attempt, 50));
      }
    }
  }

  /** Schema versions by `user_version`; each step runs once, in order. */
  private migrate(): void {
    const steps = [
      `CREATE TABLE settings (user_id TEXT PRIMARY KEY, json TEXT NOT NULL, updated_at TEXT NOT NULL);
       CREATE TABLE quota (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, used INTEGER NOT NULL);
       CREATE TABLE tokens (hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, user TEXT NOT NULL, plan TEXT NOT NULL,
                            created_at TEXT NOT NULL, revoked_at TEXT);`,
    ];
    // One IMMEDIATE transaction, the version read inside it: processes opening a new file at
    // once (two `toolhost tokens create`, say) migrate one after the other, not both.
    this.db
      .transaction(() => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        for (let step = version; step < steps.length; step++) {
          this.db.exec(steps[step]!);
          this.db.pragma(`user_version = ${step + 1}`);
        }
      })
      .immediate();
  }
}

export class SqliteSettingsStore implements SettingsStore {
  readonly writable = true;
  private readonly select;
  private readonly upsert;

  constructor(private readonly database: SqliteDatabase) {
    this.select = database.db.prepare<[string], { json: string }>(
      'SELECT json FROM settings WHERE user_id = ?',
    );
    this.upsert = database.db.prepare(
      `INSERT INTO settings (user_id, json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(user_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
    );
  }

  async get(userId: string): Promise<UserSettings | undefined> {
    return this.database.run('settings', () => {
      const row = this.select.get(userId);
      return row ? (JSON.parse(row.json) as UserSettings) : undefined;
    });
  }

  async put(userId: string, settings: UserSettings): Promise<void> {
    this.database.run('settings', () =>
      this.upsert.run(userId, JSON.stringify(settings), new Date().toISOString()),
    );
  }

  async ping(): Promise<void> {
    this.database.ping('settings');
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

  constructor(private readonly database: SqliteDatabase) {
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
    return this.database.run('quotas', () => this.chargeTx(key, cost, limit, windowMs, now));
  }

  async ping(): Promise<void> {
    this.database.ping('quotas');
  }
}

export class SqliteTokenStore implements TokenStore {
  private readonly insertStmt;
  private readonly findStmt;
  private readonly listStmt;
  private readonly revokeStmt;

  constructor(private readonly database: SqliteDatabase) {
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
    this.database.run('tokens', () =>
      this.insertStmt.run(hash, record.id, record.user, record.plan, record.createdAt),
    );
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    return this.database.run('tokens', () => {
      const row = this.findStmt.get(hash);
      return row && tokenRecordOf(row);
    });
  }

  async list(): Promise<TokenRecord[]> {
    return this.database.run('tokens', () => this.listStmt.all().map(tokenRecordOf));
  }

  async revoke(id: string): Promise<boolean> {
    return this.database.run('tokens', () => this.revokeStmt.run(new Date().toISOString(), id).changes > 0);
  }

  async ping(): Promise<void> {
    this.database.ping('tokens');
  }
}
