import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import type { EventBus } from '../../ports/event-bus';
import type { ClientIdentity, TelemetryHub } from '../telemetry';
import type { McpCaller } from './caller';

const EVENT_KIND = {
  tools: 'tools_list_changed',
  prompts: 'prompts_list_changed',
  resources: 'resources_list_changed',
} as const;

/**
 * The SDK's `subscriptions/listen` streams (2026-07-28) read a `ServerEventBus`
 * that knows nothing of principals. This adapter feeds them from the kernel bus
 * and scopes each stream to the caller that opened it: the SDK subscribes while
 * serving that caller's request, inside `run(caller, …)`, so the caller is known
 * at subscription time and another principal's changes never reach the stream.
 */
export class PrincipalScopedListenBus implements ServerEventBus {
  private readonly current = new AsyncLocalStorage<{ caller: McpCaller; client: () => ClientIdentity }>();
  /** Open streams per principal id. */
  private readonly streams = new Map<string, number>();

  constructor(
    private readonly bus: EventBus,
    private readonly telemetry?: TelemetryHub,
  ) {}

  /**
   * Serve one request with `caller` as the owner of any stream it opens; `client` names
   * it for telemetry, asked only when a stream subscribes (most requests open none).
   */
  run<T>(caller: McpCaller, serve: () => T, client: () => ClientIdentity = () => ({})): T {
    return this.current.run({ caller, client }, serve);
  }

  publish(event: ServerEvent): void {
    const list = (Object.keys(EVENT_KIND) as (keyof typeof EVENT_KIND)[]).find(
      (key) => EVENT_KIND[key] === event.kind,
    );
    if (list) void this.bus.publish({ type: 'list-changed', lists: [list] });
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    const owner = this.current.getStore();
    const principalId = owner?.caller.principal.id;
    const client = this.telemetry && owner ? owner.client() : {};
    const counted = principalId ?? '';
    this.streams.set(counted, (this.streams.get(counted) ?? 0) + 1);
    const unsubscribe = this.bus.subscribe((event) => {
      if (event.type !== 'list-changed') return;
      if (event.principalId !== undefined && event.principalId !== principalId) return;
      for (const list of event.lists) {
        listener({ kind: EVENT_KIND[list] });
        this.telemetry?.listChangedSent({ list, client });
      }
    });
    return () => {
      unsubscribe();
      const left = (this.streams.get(counted) ?? 1) - 1;
      if (left > 0) this.streams.set(counted, left);
      else this.streams.delete(counted);
    };
  }

  /** Whether a stream of this principal's is open here (it would hear a list change). */
  listening(principalId: string): boolean {
    return this.streams.has(principalId);
  }
}
