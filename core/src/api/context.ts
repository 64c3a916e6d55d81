import type { Logger } from './logger';
import type { Credentials, Principal } from './principal';
import type { ResolvedServices, ServiceRefMap } from './service';

/** What every handler (tool, resource, prompt) gets for one request. */
export interface RequestContext<S extends ServiceRefMap | undefined = undefined> {
  /** The services this definition declared in `services`, resolved for this request. */
  readonly services: ResolvedServices<S>;
  readonly principal: Principal;
  readonly credentials: Credentials;
  /** Aborted when the client cancels, disconnects, or the kernel's timeout fires. */
  readonly signal: AbortSignal;
  readonly requestId: string;
  /** Child logger bound to plugin, handler and request id. */
  readonly logger: Logger;
}

export interface ToolContext<S extends ServiceRefMap | undefined = undefined> extends RequestContext<S> {
  /**
   * Report progress to the client. A no-op when the client asked for none
   * (no progress token), so handlers can call it unconditionally.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

export type MaybePromise<T> = T | Promise<T>;
