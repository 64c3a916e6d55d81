import type { AnyIdentityProvider, IdentityVerdict } from '../../api/identity';
import type { ServiceBinding, ServiceContainer } from '../container';
import type { LoadedPlugin } from '../host';

/** A plugin's identity provider, ready to ask: its services resolved from the plugin's scope. */
export interface IdentityProviderHandle {
  readonly id: string;
  readonly describe: string;
  readonly stdioTokenEnv?: string;
  accepts(token: string): boolean;
  verify(token: string, signal: AbortSignal): Promise<IdentityVerdict>;
}

/** The identity providers of the loaded plugins, in plugin order; `disabled` ids are left out. */
export function identityProviders(
  plugins: readonly LoadedPlugin[],
  container: ServiceContainer,
  disabled: readonly string[] = [],
): IdentityProviderHandle[] {
  return plugins.flatMap((loaded) =>
    (loaded.plugin.identityProviders ?? [])
      .filter((provider) => !disabled.includes(provider.id))
      .map((provider) => handle(loaded, provider, container.bind(provider.services))),
  );
}

function handle(
  loaded: LoadedPlugin,
  provider: AnyIdentityProvider,
  binding: ServiceBinding,
): IdentityProviderHandle {
  // Resolved on first use: services exist only once the host has started. The host refuses
  // request-scoped services for providers, so no request scope is ever asked for.
  let services: Readonly<Record<string, unknown>> | undefined;
  return {
    id: provider.id,
    describe: provider.describe,
    ...(provider.stdioTokenEnv !== undefined && { stdioTokenEnv: provider.stdioTokenEnv }),
    accepts: (token) => provider.accepts(token),
    verify(token, signal) {
      services ??= binding.resolve(() => {
        throw new Error(`identity provider '${provider.id}' asked for a request scope`);
      });
      return provider.verify(token, { services: services as never, signal, logger: loaded.logger });
    },
  };
}
