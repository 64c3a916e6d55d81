import type { TaskRecord, TaskStore } from '@toolhost/core/ports';
import { taskExpiry } from '@toolhost/core/ports';
import type { SqliteDatabase } from './sqlite';

/**
 * Tasks in the SQLite file, so a restarted server (or another process on the same
 * file) answers `tasks/get`. One row per task: the record as JSON, and when it may
 * be forgotten. Updates run in IMMEDIATE transactions: a read-modify-write of one
 * task never interleaves with another's, in this process or any other on the file.
 */
export class SqliteTaskStore implements TaskStore {
  private readonly insert;
  private readonly select;
  private readonly replace;
  private readonly sweep;
  private readonly change;

  constructor(private readonly sqlite: SqliteDatabase) {
    const { db } = sqlite;
    // Its own table, created on first use: the shared schema's migrations stay as they are.
    // IMMEDIATE takes the write lock up front (waiting its turn), so processes opening a new
    // file at once do not deadlock upgrading a read lock.
    db.transaction(() =>
      db.exec(`CREATE TABLE IF NOT EXISTS tasks (
        task_id TEXT PRIMARY KEY, json TEXT NOT NULL, expires_at INTEGER NOT NULL)`),
    ).immediate();
    this.insert = db.prepare('INSERT INTO tasks (task_id, json, expires_at) VALUES (?, ?, ?)');
    this.select = db.prepare('SELECT json FROM tasks WHERE task_id = ? AND expires_at > ?');
    this.replace = db.prepare('UPDATE tasks SET json = ?, expires_at = ? WHERE task_id = ?');
    this.sweep = db.prepare('DELETE FROM tasks WHERE expires_at <= ?');
    this.change = db.transaction(
      (taskId: string, change: (current: TaskRecord) => TaskRecord | undefined) => {
        const current = this.read(taskId);
        if (!current) return undefined;
        const next = change(current);
        if (next) this.replace.run(JSON.stringify(next), taskExpiry(next), taskId);
        return next ?? current;
      },
    );
  }

  async create(record: TaskRecord): Promise<void> {
    this.sqlite.db
      .transaction(() => {
        this.sweep.run(Date.now());
        this.insert.run(record.taskId, JSON.stringify(record), taskExpiry(record));
      })
      .immediate();
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    return this.read(taskId);
  }

  async update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<TaskRecord | undefined> {
    return this.change.immediate(taskId, change);
  }

  private read(taskId: string): TaskRecord | undefined {
    const row = this.select.get(taskId, Date.now()) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as TaskRecord) : undefined;
  }
}
