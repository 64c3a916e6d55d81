import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { hashToken, newToken, StoreUnavailableError } from '@toolhost/core/ports';
import { describe, expect, it } from 'vitest';
import {
  SqliteDatabase,
  SqliteQuotaStore,
  SqliteSettingsStore,
  SqliteTokenStore,
  StoreOpenError,
} from '../src/stores/sqlite';

const file = () => join(mkdtempSync(join(tmpdir(), 'toolhost-sqlite-')), 'nested', 'toolhost.db');

describe('SQLite stores', () => {
  it('creates the file and its folder, and keeps settings, tokens and counters across reopening', async () => {
    const path = file();
    const first = new SqliteDatabase(path);
    await new SqliteSettingsStore(first).put('user:a', {
      plugins: ['models'],
      disabledTools: [],
      spaces: ['o/s'],
    });
    const { token, hash, record } = newToken('alice', 'pro');
    await new SqliteTokenStore(first).insert(hash, record);
    const quota = new SqliteQuotaStore(first);
    await quota.charge('user:a|1h', 2, 3, 3_600_000, 1_000);
    first.close();

    const second = new SqliteDatabase(path);
    expect(await new SqliteSettingsStore(second).get('user:a')).toEqual({
      plugins: ['models'],
      disabledTools: [],
      spaces: ['o/s'],
    });
    expect(await new SqliteSettingsStore(second).get('user:b')).toBeUndefined();
    const tokens = new SqliteTokenStore(second);
    expect(await tokens.find(hashToken(token))).toMatchObject({ user: 'alice', plan: 'pro', id: record.id });
    expect(await new SqliteQuotaStore(second).charge('user:a|1h', 2, 3, 3_600_000, 2_000)).toMatchObject({
      allowed: false,
      used: 2,
    });
    expect(await tokens.revoke(record.id)).toBe(true);
    expect(await tokens.revoke(record.id)).toBe(false);
    expect(await tokens.find(hashToken(token))).toBeUndefined();
    expect((await tokens.list())[0]!.revokedAt).toBeDefined();
    second.close();
  });

  it('never lets concurrent processes overspend a quota', async () => {
    const path = file();
    new SqliteDatabase(path).close();
    const limit = 50;
    // Four threads, each with its own connection (the built store), race 40 charges each at one key.
    const dist = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
    const workerCode = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.dist).then(async ({ SqliteDatabase, SqliteQuotaStore }) => {
        const db = new SqliteDatabase(workerData.path);
        const store = new SqliteQuotaStore(db);
        let allowed = 0;
        for (let i = 0; i < 40; i++) if ((await store.charge('k', 1, workerData.limit, 3600000, 10)).allowed) allowed++;
        db.close();
        parentPort.postMessage(allowed);
      });
    `;
    const counts = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(workerCode, {
              eval: true,
              workerData: { path, limit, dist },
              execArgv: [],
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(limit);
    const db = new SqliteDatabase(path);
    expect(await new SqliteQuotaStore(db).charge('k', 1, limit, 3_600_000, 10)).toMatchObject({
      allowed: false,
      used: limit,
    });
    db.close();
  });

  it('opens a new file while another process is creating it (the WAL switch waits its turn)', async () => {
    // Two \`toolhost tokens create\` on a fresh data folder once failed "database is locked".
    // Here another connection (a thread) holds the new file's write lock as a creator
    // does; switching to WAL needs the exclusive lock, and SQLite refuses it at once,
    // without the busy timeout, because waiting could deadlock. The open must wait its turn.
    const path = file();
    mkdirSync(dirname(path), { recursive: true });
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const holder = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      const db = new (require(workerData.driver))(workerData.path);
      db.exec('BEGIN IMMEDIATE; CREATE TABLE creating (x)');
      parentPort.postMessage('holding');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      db.exec('COMMIT');
      db.close();
      parentPort.postMessage('released');
    `,
      { eval: true, workerData: { driver, path }, execArgv: [] },
    );
    const events: string[] = [];
    const released = new Promise<void>((resolve, reject) => {
      holder.on('message', (message: string) => message === 'released' && resolve());
      holder.once('error', reject);
    });
    await new Promise((resolve) => holder.once('message', resolve));
    try {
      const database = new SqliteDatabase(path);
      events.push('opened');
      database.close();
    } catch (error) {
      events.push((error as Error).message);
    }
    await released;
    await holder.terminate();
    expect(events).toEqual(['opened']);
    const reopened = new SqliteDatabase(path);
    expect(reopened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    reopened.close();
  });

  it('pings ready, and turns every failure into StoreUnavailableError naming the store', async () => {
    const faults: string[] = [];
    const database = new SqliteDatabase(file(), (store) => faults.push(store));
    const settings = new SqliteSettingsStore(database);
    const quotas = new SqliteQuotaStore(database);
    const tokens = new SqliteTokenStore(database);
    await expect(Promise.all([settings.ping(), quotas.ping(), tokens.ping()])).resolves.toBeDefined();

    // Read-only (what an unwritable file gives; root ignores chmod, so ask SQLite itself).
    database.db.pragma('query_only = ON');
    const unavailable = (store: string) =>
      expect.objectContaining({
        name: 'StoreUnavailableError',
        store,
        message: expect.stringMatching(/store is unavailable$/),
      });
    await expect(quotas.ping()).rejects.toEqual(unavailable('quotas'));
    await expect(quotas.charge('k', 1, 5, 3_600_000)).rejects.toEqual(unavailable('quotas'));
    await expect(settings.put('u', { plugins: [], disabledTools: [], spaces: [] })).rejects.toEqual(
      unavailable('settings'),
    );
    const { hash, record } = newToken('ada', 'free');
    await expect(tokens.insert(hash, record)).rejects.toEqual(unavailable('tokens'));
    expect(await settings.get('u')).toBeUndefined(); // reads still work
    expect(faults).toEqual(['quotas', 'quotas', 'settings', 'tokens']);

    database.db.pragma('query_only = OFF');
    await expect(quotas.ping()).resolves.toBeUndefined();
    expect(await quotas.charge('k', 1, 5, 3_600_000)).toMatchObject({ allowed: true, used: 1 });

    // Closed underneath: reads fail too.
    database.close();
    await expect(settings.get('u')).rejects.toEqual(unavailable('settings'));
    await expect(tokens.find(hash)).rejects.toEqual(unavailable('tokens'));
    await expect(settings.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('a write lock held by another connection is not a fault: the ping answers at once', async () => {
    const path = file();
    const database = new SqliteDatabase(path);
    const other = new SqliteDatabase(path);
    other.db.exec('BEGIN IMMEDIATE');
    try {
      await expect(new SqliteQuotaStore(database).ping()).resolves.toBeUndefined();
      // …and the connection's own busy timeout is back for real work afterwards.
      expect(database.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      other.db.exec('ROLLBACK');
      other.close();
      database.close();
    }
  });

  it('refuses a path it cannot use with one line saying where and why', () => {
    const root = mkdtempSync(join(tmpdir(), 'toolhost-sqlite-bad-'));
    writeFileSync(join(root, 'a-file'), 'not a folder');
    mkdirSync(join(root, 'a-folder.db'));
    writeFileSync(join(root, 'not-sqlite.db'), 'plain text, not a database '.repeat(40));
    const cases: [string, string][] = [
      [join(root, 'a-file', 'toolhost.db'), 'a folder on its path is a file'],
      [join(root, 'a-file', 'deeper', 'toolhost.db'), 'a folder on its path is a file'],
      [join(root, 'a-folder.db'), 'it cannot be opened (is it a folder, or is its folder not writable?)'],
      [join(root, 'not-sqlite.db'), 'it is not a SQLite database'],
    ];
    for (const [path, why] of cases) {
      let error: unknown;
      try {
        new SqliteDatabase(path).close();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(StoreOpenError);
      expect((error as Error).message).toBe(`cannot use the state store ${path}: ${why}`);
    }
  });
});
