import { LRUCache } from 'lru-cache';

/**
 * How often each tool has run in this process, counted from the call gate's reports
 * (one map increment per call): the "most used" order of discovery listings. Global,
 * not per caller, so that a new caller starts from what everybody uses; lost on restart.
 */
export class ToolUsage {
  /** Bounded: per-caller tools (from tool sources) could otherwise grow it without end. */
  private readonly calls = new LRUCache<string, number>({ max: 10_000 });

  record(tool: string): void {
    this.calls.set(tool, (this.calls.get(tool) ?? 0) + 1);
  }

  count(tool: string): number {
    return this.calls.peek(tool) ?? 0;
  }
}
