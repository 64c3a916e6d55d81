import type { AnyIdentityProvider, IdentityVerdict } from '../../api/identity';
import type { ServiceRef } from '../../api/service';
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
  disabled: readonly string[] = [],
): IdentityProviderHandle[] {
  return plugins.flatMap((loaded) =>
    (loaded.plugin.identityProviders ?? [])
      .filter((provider) => !disabled.includes(provider.id))
      .map((provider) => handle(loaded, provider)),
  );
}

function handle(loaded: LoadedPlugin, provider: AnyIdentityProvider): IdentityProviderHandle {
  // Resolved on first use: the plugin scope exists only once the host has started.
  let services: Record<string, unknown> | undefined;
  return {
    id: provider.id,
    describe: provider.describe,
    ...(provider.stdioTokenEnv !== undefined && { stdioTokenEnv: provider.stdioTokenEnv }),
    accepts: (token) => provider.accepts(token),
    verify(token, signal) {
      services ??= Object.fromEntries(
        Object.entries(provider.services ?? {}).map(([key, ref]) => [
          key,
          loaded.scope!.resolve((ref as ServiceRef<unknown>).id),
        ]),
      );
      return provider.verify(token, { services: services as never, signal, logger: loaded.logger });
    },
  };
}
