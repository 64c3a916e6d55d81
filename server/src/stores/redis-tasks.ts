import type { TaskRecord, TaskStore } from '@toolhost/core/ports';
import { taskExpiry } from '@toolhost/core/ports';
import type { Redis } from 'ioredis';

/**
 * Set KEYS[1] to ARGV[2] (expiring at ARGV[3], epoch ms) only if it still holds
 * ARGV[1]: a compare-and-set, so a read-modify-write from one instance never
 * overwrites another's change made in between (the caller reads again and retries).
 */
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  return 1
end
return 0`;

/** How often an update retries when other instances keep changing the same task. */
const MAX_ATTEMPTS = 20;

/**
 * Tasks in Redis, shared by every instance: any of them answers `tasks/get`, takes
 * `tasks/update` and `tasks/cancel`, whichever runs the task. One string key per
 * task (`{prefix}task:{id}`, the record as JSON) that Redis expires itself; updates
 * are compare-and-set in a Lua script. The client is the caller's (its connection
 * options, its lifetime); the prefix keeps deployments (and test runs) apart.
 */
export class RedisTaskStore implements TaskStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'toolhost:',
  ) {
    redis.defineCommand('toolhostTaskCas', { numberOfKeys: 1, lua: COMPARE_AND_SET });
  }

  async create(record: TaskRecord): Promise<void> {
    await this.redis.set(this.key(record.taskId), JSON.stringify(record), 'PXAT', taskExpiry(record), 'NX');
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const json = await this.redis.get(this.key(taskId));
    return json === null ? undefined : (JSON.parse(json) as TaskRecord);
  }

  async update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<TaskRecord | undefined> {
    const key = this.key(taskId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const json = await this.redis.get(key);
      if (json === null) return undefined;
      const current = JSON.parse(json) as TaskRecord;
      const next = change(current);
      if (!next) return current;
      const cas = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<number>>)[
        'toolhostTaskCas'
      ]!;
      if ((await cas.call(this.redis, key, json, JSON.stringify(next), taskExpiry(next))) === 1) return next;
    }
    throw new Error(`task ${taskId} changed too often to update`);
  }

  private key(taskId: string): string {
    return `${this.prefix}task:${taskId}`;
  }
}
