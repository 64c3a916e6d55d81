/** The outcome of one atomic check-and-charge against a quota window. */
export interface QuotaCharge {
  /** Whether the units were charged (the call may run). */
  readonly allowed: boolean;
  /** Units used in this window, including this charge when allowed. */
  readonly used: number;
  /** When the window ends (epoch ms). */
  readonly resetAt: number;
}

/**
 * Quota counters in fixed windows. `charge` must check and add atomically: two
 * concurrent calls must never both pass the last remaining unit.
 */
export interface QuotaStore {
  charge(key: string, cost: number, limit: number, windowMs: number, now?: number): Promise<QuotaCharge>;
  /**
   * Resolves when the store can charge, rejects (`StoreUnavailableError`) when it
   * cannot. Cheap: `/readyz` calls it on every probe. Absent: always ready.
   */
  ping?(): Promise<void>;
  close?(): void | Promise<void>;
}

/** The start of the fixed window `now` falls in: windows are aligned to the epoch. */
export function windowStart(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}

/**
 * The fixed-window arithmetic every store shares: given the stored counter (if
 * any), what this charge returns and the counter to store when it is allowed.
 */
export function applyCharge(
  stored: { start: number; used: number } | undefined,
  cost: number,
  limit: number,
  windowMs: number,
  now: number,
): { charge: QuotaCharge; next?: { start: number; used: number } } {
  const start = windowStart(now, windowMs);
  const used = stored && stored.start === start ? stored.used : 0;
  const resetAt = start + windowMs;
  if (used + cost > limit) return { charge: { allowed: false, used, resetAt } };
  return { charge: { allowed: true, used: used + cost, resetAt }, next: { start, used: used + cost } };
}

export class InMemoryQuotaStore implements QuotaStore {
  private readonly counters = new Map<string, { start: number; used: number }>();

  /** Memory is always there. */
  async ping(): Promise<void> {}

  async charge(
    key: string,
    cost: number,
    limit: number,
    windowMs: number,
    now = Date.now(),
  ): Promise<QuotaCharge> {
    const { charge, next } = applyCharge(this.counters.get(key), cost, limit, windowMs, now);
    if (next) {
      if (!this.counters.has(key)) this.sweep(now, windowMs);
      this.counters.set(key, next);
    }
    return charge;
  }

  /** Drop counters of past windows now and then, so memory follows active callers only. */
  private sweep(now: number, windowMs: number): void {
    if (this.counters.size % 1024 !== 0) return;
    for (const [key, counter] of this.counters) {
      if (counter.start + windowMs <= now) this.counters.delete(key);
    }
  }
}
