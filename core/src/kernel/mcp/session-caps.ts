/**
 * How many stateful sessions (2025 Streamable HTTP and HTTP+SSE) each caller may
 * hold: a global cap, a cap per principal (a signed-in user; an anonymous caller per
 * address, by its quota account), and a share of the global cap that anonymous
 * callers hold together, so one address, or many, cannot take every slot from
 * signed-in users. Sessions are counted from admission (before the SDK answers the
 * initialize), so concurrent initializes cannot overshoot a cap.
 */

export interface SessionCapOptions {
  /** Every session, of everybody. */
  readonly maxSessions: number;
  /** Per principal: a user's id, or `anonymous:<address>`. */
  readonly maxSessionsPerPrincipal: number;
  /** The share (0–1) of `maxSessions` anonymous callers may hold together. */
  readonly anonymousShare: number;
}

export const DEFAULT_MAX_SESSIONS = 1_000;
export const DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 100;
export const DEFAULT_ANONYMOUS_SHARE = 0.5;

/** Who a session is counted against. */
export interface SessionHolder {
  /** The quota account: the principal id, or `anonymous:<address>`. */
  readonly account: string;
  readonly anonymous: boolean;
}

export class SessionCaps {
  private total = 0;
  private anonymousTotal = 0;
  private readonly perAccount = new Map<string, number>();
  private readonly anonymousCap: number;

  constructor(private readonly options: SessionCapOptions) {
    // Rounded up: a tiny cap (say maxSessions 1) still lets anonymous callers in; a share of 0 never.
    this.anonymousCap = Math.ceil(options.maxSessions * options.anonymousShare);
  }

  /**
   * Count a new session against its holder's caps, or say which cap it hits (the
   * message of the 503 the client gets). An admitted session is released exactly once.
   */
  admit(holder: SessionHolder): string | undefined {
    const { maxSessions, maxSessionsPerPrincipal } = this.options;
    if (this.total >= maxSessions)
      return `Too many open sessions (the limit is ${maxSessions}); try again later, and close sessions you no longer need.`;
    if (holder.anonymous && this.anonymousTotal >= this.anonymousCap)
      return `Too many open anonymous sessions (anonymous callers share a limit of ${this.anonymousCap}, transport.anonymousShare of transport.maxSessions); sign in with a token, or try again later.`;
    const held = this.perAccount.get(holder.account) ?? 0;
    if (held >= maxSessionsPerPrincipal)
      return `Too many open sessions for this caller (the limit is ${maxSessionsPerPrincipal} per user, per address for anonymous callers, transport.maxSessionsPerPrincipal); close sessions you no longer need.`;
    this.total++;
    if (holder.anonymous) this.anonymousTotal++;
    this.perAccount.set(holder.account, held + 1);
    return undefined;
  }

  release(holder: SessionHolder): void {
    this.total = Math.max(0, this.total - 1);
    if (holder.anonymous) this.anonymousTotal = Math.max(0, this.anonymousTotal - 1);
    const held = (this.perAccount.get(holder.account) ?? 1) - 1;
    if (held > 0) this.perAccount.set(holder.account, held);
    else this.perAccount.delete(holder.account);
  }
}
