import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { hashToken, newToken } from '@toolhost/core/kernel';
import { describe, expect, it } from 'vitest';
import {
  SqliteDatabase,
  SqliteQuotaStore,
  SqliteSettingsStore,
  SqliteTokenStore,
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
});
