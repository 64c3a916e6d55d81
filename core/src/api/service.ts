import { SERVICE_REF_BRAND } from './brand';
import type { Logger } from './logger';
import type { Credentials, Principal } from './principal';

/**
 * How long one instance of a service lives. `process`: one instance, returned by
 * the provider's `setup`. `request`: one instance per tool call (or resource read,
 * prompt get), built by a factory that `setup` returns, from the request's values.
 */
export type ServiceLifetime = 'process' | 'request';

/**
 * A typed handle for a service that one plugin provides and others require.
 * Plugins exchange refs, never container names: the kernel wires them.
 */
export interface ServiceRef<T, L extends ServiceLifetime = ServiceLifetime> {
  readonly id: string;
  readonly lifetime: L;
  readonly [SERVICE_REF_BRAND]: true;
  /** Phantom field carrying the service type; never set at run time. */
  readonly __type?: T;
}

export type ServiceRefMap = Record<string, ServiceRef<unknown>>;

/** `{ hub: ServiceRef<HubClient> }` → `{ hub: HubClient }`. */
export type ResolvedServices<S extends ServiceRefMap | undefined> = S extends ServiceRefMap
  ? { readonly [K in keyof S]: S[K] extends ServiceRef<infer T> ? T : never }
  : Record<string, never>;

/** What `setup` gets of its `requires`: process services only (no request exists at setup). */
export type SetupServices<S extends ServiceRefMap | undefined> = S extends ServiceRefMap
  ? {
      readonly [K in keyof S as S[K] extends ServiceRef<unknown, 'request'>
        ? never
        : K]: S[K] extends ServiceRef<infer T> ? T : never;
    }
  : Record<string, never>;

/**
 * The values of one request, resolvable by request-scoped services: the factory of
 * a `request` service receives them.
 */
export interface RequestValues {
  readonly principal: Principal;
  readonly credentials: Credentials;
  readonly requestId: string;
  /** The request's logger (bound to the calling plugin and the request id). */
  readonly logger: Logger;
  /** Aborted when the client cancels the call or goes away. */
  readonly signal: AbortSignal;
}

/** Builds a request-scoped service: called at most once per request, on first use. */
export type RequestServiceFactory<T> = (request: RequestValues) => T;

/** What `setup` returns for `provides`: the instance of a process service, the factory of a request service. */
export type ProvidedServices<P extends ServiceRefMap | undefined> = P extends ServiceRefMap
  ? {
      readonly [K in keyof P]: P[K] extends ServiceRef<infer T, 'request'>
        ? RequestServiceFactory<T>
        : P[K] extends ServiceRef<infer T>
          ? T
          : never;
    }
  : Record<string, never>;

const SERVICE_ID = /^[a-z][a-zA-Z0-9_.-]{0,63}$/;

function serviceRef<T, L extends ServiceLifetime>(id: string, lifetime: L, caller: string): ServiceRef<T, L> {
  if (!SERVICE_ID.test(id)) {
    throw new TypeError(
      `${caller}: invalid service id ${JSON.stringify(id)} (letters, digits, _ . -; starts with a lower-case letter)`,
    );
  }
  return Object.freeze({ id, lifetime, [SERVICE_REF_BRAND]: true as const });
}

/** A ref for a process-lifetime service: one instance, returned by the provider's `setup`. */
export function createServiceRef<T>(id: string): ServiceRef<T, 'process'> {
  return serviceRef<T, 'process'>(id, 'process', 'createServiceRef');
}

/**
 * A ref for a request-scoped service: the provider's `setup` returns a factory
 * `(request) => T`, and the kernel builds one instance per request that uses it.
 */
export function createRequestServiceRef<T>(id: string): ServiceRef<T, 'request'> {
  return serviceRef<T, 'request'>(id, 'request', 'createRequestServiceRef');
}
