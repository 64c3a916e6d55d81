import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Principal } from '../../api/principal';
import type { QuotaCharge, QuotaStore } from '../../ports/quota-store';

export interface QuotaPlan {
  /** Units a principal on this plan may spend per window. */
  units: number;
  /** Window length in milliseconds. */
  perMs: number;
}

export interface QuotaConfig {
  /** Plans by name (`anonymous`, `free`, `pro`, …). A plan named `default` covers plans not listed. */
  plans: Readonly<Record<string, QuotaPlan>>;
  /**
   * When the quota store cannot charge: `closed` (default) refuses the call with a
   * retryable `isError` result; `open` lets it run uncharged.
   */
  onStoreFailure?: 'closed' | 'open';
}

/** Where a caller stands in their quota window. */
export interface QuotaState {
  /** The plan that applies (`default` when the principal's own plan has no entry). */
  readonly plan: string;
  /** Units per window, and the window as the manifest spells it (`1h`). */
  readonly units: number;
  readonly per: string;
  readonly used: number;
  readonly remaining: number;
  /** When the window ends (ISO 8601). */
  readonly resetAt: string;
}

/** 3_600_000 → "1h", 90_000 → "90s": the window as the manifest spells it. */
export function formatWindow(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** "1h", "30m", "1d", "90s" → milliseconds. */
export function parseWindow(text: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const size = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  const value = Number(match[1]) * size;
  return value > 0 ? value : undefined;
}

function inWords(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Seconds a caller is told to wait when the quota store fails: long enough for a restart or failover. */
const STORE_RETRY_AFTER_S = 5;

/** The answer when the quota cannot be charged: the call did not run and nothing was charged. */
const quotaStoreUnavailable = (): CallToolResult => ({
  _meta: { retryAfter: STORE_RETRY_AFTER_S },
  content: [
    {
      type: 'text',
      text: `The quota store is unavailable, so this call was not run and nothing was charged; try again in ${STORE_RETRY_AFTER_S} seconds.`,
    },
  ],
  isError: true,
});

/**
 * Quotas per principal: each plan allows so many units per fixed window, each tool
 * call costs its tool's `cost`. The gate asks `charge` after the call is known to
 * be valid and before the handler runs; the store checks and charges atomically.
 */
export class QuotaGuard {
  constructor(
    private readonly config: QuotaConfig,
    private readonly store: QuotaStore,
  ) {}

  /** The plan that applies to a principal, or `undefined` for no limit. */
  planFor(principal: Principal): { name: string; plan: QuotaPlan } | undefined {
    const plan = this.config.plans[principal.plan] ?? this.config.plans['default'];
    return plan && { name: principal.plan in this.config.plans ? principal.plan : 'default', plan };
  }

  /**
   * Where `account` stands in its window, without charging anything (a charge of 0
   * units: the store's atomic check reads the counter). `undefined` when no plan
   * limits the principal. The store's failure is thrown (the caller answers it).
   */
  async state(principal: Principal, account: string, now = Date.now()): Promise<QuotaState | undefined> {
    const applies = this.planFor(principal);
    if (!applies) return undefined;
    const { name, plan } = applies;
    const charge = await this.store.charge(
      `${account}|${formatWindow(plan.perMs)}`,
      0,
      plan.units,
      plan.perMs,
      now,
    );
    return {
      plan: name,
      units: plan.units,
      per: formatWindow(plan.perMs),
      used: charge.used,
      remaining: Math.max(0, plan.units - charge.used),
      resetAt: new Date(charge.resetAt).toISOString(),
    };
  }

  /**
   * Charge `cost` units to `account`. Returns `undefined` when the call may run, or
   * the refusal result: it states the limit, the plan and when the window resets,
   * with `retryAfter` (seconds) in `_meta`. When the store fails the call is refused
   * too, saying the quota store is unavailable and to try again.
   */
  async charge(
    principal: Principal,
    account: string,
    cost: number,
    now = Date.now(),
  ): Promise<CallToolResult | undefined> {
    const applies = this.planFor(principal);
    if (!applies || cost === 0) return undefined;
    const { name, plan } = applies;
    let charge: QuotaCharge;
    try {
      charge = await this.store.charge(
        `${account}|${formatWindow(plan.perMs)}`,
        cost,
        plan.units,
        plan.perMs,
        now,
      );
    } catch {
      // The store failed (the adapter reports why to the operator). Failing open, the call
      // runs uncharged. Failing closed, it must not run, but the model gets an answer it
      // can act on, not an internal error.
      return this.config.onStoreFailure === 'open' ? undefined : quotaStoreUnavailable();
    }
    if (charge.allowed) return undefined;
    const retryAfter = Math.max(1, Math.ceil((charge.resetAt - now) / 1000));
    const resetAt = new Date(charge.resetAt).toISOString();
    const hint = principal.kind === 'anonymous' ? ' Sign in with a token for a larger quota.' : '';
    return {
      _meta: {
        retryAfter,
        quota: { plan: name, units: plan.units, per: formatWindow(plan.perMs), used: charge.used, resetAt },
      },
      content: [
        {
          type: 'text',
          text: `Quota exhausted: the ${name} plan allows ${plan.units} unit${plan.units === 1 ? '' : 's'} per ${formatWindow(plan.perMs)}, ${charge.used} ${charge.used === 1 ? 'is' : 'are'} used and this call costs ${cost}. It resets at ${resetAt} (in ${inWords(charge.resetAt - now)}); retry after that.${hint}`,
        },
      ],
      isError: true,
    };
  }
}
