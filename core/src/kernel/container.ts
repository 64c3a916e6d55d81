import { type AwilixContainer, asValue, createContainer, InjectionMode } from 'awilix';

/**
 * The kernel's dependency container: awilix in strict mode, PROXY injection.
 * Lifetimes: the root scope holds kernel services and every provided plugin
 * service; each plugin gets a child scope (its config, logger); each tool call
 * gets a request scope under its plugin's (principal, credentials, request id,
 * signal), disposed when the call ends. Plugins never see awilix: they get
 * resolved values through their contexts.
 */
export type Scope = AwilixContainer;

export function createRootScope(values: Record<string, unknown>): Scope {
  const root = createContainer({ injectionMode: InjectionMode.PROXY, strict: true });
  registerValues(root, values);
  return root;
}

export function createChildScope(parent: Scope, values: Record<string, unknown>): Scope {
  const scope = parent.createScope();
  registerValues(scope, values);
  return scope;
}

export function registerValues(scope: Scope, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) scope.register(name, asValue(value));
}
