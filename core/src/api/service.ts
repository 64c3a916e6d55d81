import { SERVICE_REF_BRAND } from './brand';

/**
 * A typed handle for a service that one plugin provides and others require.
 * Plugins exchange refs, never container names: the kernel wires them.
 */
export interface ServiceRef<T> {
  readonly id: string;
  readonly [SERVICE_REF_BRAND]: true;
  /** Phantom field carrying the service type; never set at run time. */
  readonly __type?: T;
}

export type ServiceRefMap = Record<string, ServiceRef<unknown>>;

/** `{ hub: ServiceRef<HubClient> }` → `{ hub: HubClient }`. */
export type ResolvedServices<S extends ServiceRefMap | undefined> = S extends ServiceRefMap
  ? { readonly [K in keyof S]: S[K] extends ServiceRef<infer T> ? T : never }
  : Record<string, never>;

const SERVICE_ID = /^[a-z][a-zA-Z0-9_.-]{0,63}$/;

export function createServiceRef<T>(id: string): ServiceRef<T> {
  if (!SERVICE_ID.test(id)) {
    throw new TypeError(
      `createServiceRef: invalid service id ${JSON.stringify(id)} (letters, digits, _ . -; starts with a lower-case letter)`,
    );
  }
  return Object.freeze({ id, [SERVICE_REF_BRAND]: true as const });
}
