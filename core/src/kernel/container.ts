// awilix's platform-neutral build: the same container without `loadModules`, whose
// fast-glob and micromatch cost ~200 ms of every cold start (stdio) for nothing we use.
import { type AwilixContainer, asFunction, asValue, createContainer, InjectionMode } from 'awilix/browser';
import type { RequestServiceFactory, RequestValues, ServiceRef, ServiceRefMap } from '../api/service';

/**
 * The kernel's dependency container: awilix in strict mode, PROXY injection.
 *
 * Lifetimes: a `process` service is registered in the root as the value its
 * provider's `setup` returned; a `request` service as a factory with awilix's
 * scoped lifetime, built at most once per request scope from the request values
 * (registered in that scope under `$request`). A request scope is made for a call
 * only when something in it uses a request service, and disposed when the call
 * ends. Strict mode refuses a process service that depends on a request one.
 * Plugins never see awilix: they get resolved values through their contexts.
 */
export type Scope = AwilixContainer;

/** Where the request values live in a request scope; `$` keeps it apart from service ids. */
const REQUEST = '$request';

export class ServiceContainer {
  private readonly root: Scope = createContainer({ injectionMode: InjectionMode.PROXY, strict: true });

  /** Register what a provider's `setup` returned for `ref`: an instance, or a request factory. */
  provide(ref: ServiceRef<unknown>, provided: unknown): void {
    if (ref.lifetime === 'request') {
      const factory = provided as RequestServiceFactory<unknown>;
      this.root.register(
        ref.id,
        asFunction((cradle: Record<string, unknown>) => factory(cradle[REQUEST] as RequestValues)).scoped(),
      );
    } else {
      this.root.register(ref.id, asValue(provided));
    }
  }

  /** A scope for one request; request services resolve in it, process ones through it from the root. */
  requestScope(values: RequestValues): Scope {
    const scope = this.root.createScope();
    scope.register(REQUEST, asValue(values));
    return scope;
  }

  /** The resolution of one definition's service refs, prepared once (see ServiceBinding). */
  bind(refs: ServiceRefMap | undefined): ServiceBinding {
    return new ServiceBinding(this, Object.entries(refs ?? {}));
  }

  /**
   * The one resolver of service refs: `{ key: ref }` → `{ key: instance }`, from
   * `scope` (a request scope) or the root. Everything that hands services to plugin
   * code (setup, tools, resources, prompts, tool sources, middleware) comes here.
   */
  resolve(refs: readonly (readonly [string, ServiceRef<unknown>])[], scope?: Scope): Record<string, unknown> {
    const from = scope ?? this.root;
    const resolved: Record<string, unknown> = {};
    for (const [key, ref] of refs) resolved[key] = from.resolve(ref.id);
    return resolved;
  }

  dispose(): Promise<void> {
    return this.root.dispose();
  }
}

/**
 * The services of one definition (a tool, resource, prompt, tool source or
 * middleware), bound once at load. When all of them are process services they are
 * resolved once and the same frozen object is handed to every call: no scope, no
 * lookup per call. Otherwise they are resolved per request, from its scope.
 */
export class ServiceBinding {
  /** Does resolving need a request scope (any request-scoped service)? */
  readonly perRequest: boolean;
  readonly empty: boolean;
  private shared?: Readonly<Record<string, unknown>>;

  constructor(
    readonly container: ServiceContainer,
    private readonly refs: readonly (readonly [string, ServiceRef<unknown>])[],
  ) {
    this.perRequest = refs.some(([, ref]) => ref.lifetime === 'request');
    this.empty = refs.length === 0;
  }

  /** The services; `scope` is asked for only when one of them is request-scoped. */
  resolve(scope: () => Scope): Readonly<Record<string, unknown>> {
    if (this.perRequest) return this.container.resolve(this.refs, scope());
    this.shared ??= Object.freeze(this.container.resolve(this.refs));
    return this.shared;
  }
}

const NO_SERVICES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * One request's lazily made scope: created on the first resolution that needs it
 * (a request-scoped service), disposed when the request ends. Most calls never
 * make one. A tool call is one (`ToolCallRun` extends it); resources and prompts
 * pass their request values as a function.
 */
export class RequestScope {
  private scope?: Scope;

  /** `values` is called once, when the scope is made. */
  constructor(private readonly values?: () => RequestValues) {}

  /** The request values a scope is made with; subclasses that hold them override this. */
  protected requestValues(): RequestValues {
    return this.values!();
  }

  services(binding: ServiceBinding): Readonly<Record<string, unknown>> {
    if (binding.empty) return NO_SERVICES;
    return binding.resolve(() => {
      this.scope ??= binding.container.requestScope(this.requestValues());
      return this.scope;
    });
  }

  dispose(): void {
    if (this.scope) void this.scope.dispose();
  }
}
