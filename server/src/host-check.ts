import {
  localhostAllowedHostnames,
  validateHostHeader,
  validateOriginHeader,
} from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';

export interface HostCheckOptions {
  /** Extra Host names to accept besides localhost; `"*"` accepts any. */
  allowedHosts: readonly string[];
  /** Extra Origin host names to accept besides localhost. */
  allowedOrigins: readonly string[];
}

export type HostCheck = (host: string | undefined, origin: string | undefined) => string | undefined;

/**
 * DNS-rebinding protection: a request must name an allowed Host, and a browser
 * Origin (when present) must be allowed too. Returns the rejection message, or
 * `undefined` when the request may proceed. Verdicts are memoised per header
 * value, so the steady-state cost is one map lookup.
 */
export function createHostCheck(options: HostCheckOptions): HostCheck {
  const anyHost = options.allowedHosts.includes('*');
  const hosts = [...localhostAllowedHostnames(), ...options.allowedHosts];
  const origins = [...localhostAllowedHostnames(), ...options.allowedOrigins];
  // Boxed: `undefined` (allowed) is a verdict too.
  const verdicts = new LRUCache<string, { verdict: string | undefined }>({ max: 1_000 });
  const remember = (key: string, verdict: string | undefined) => {
    verdicts.set(key, { verdict });
    return verdict;
  };
  return (host, origin) => {
    const key = `${host ?? ''}\n${origin ?? ''}`;
    const known = verdicts.get(key);
    if (known) return known.verdict;
    if (!anyHost) {
      const result = validateHostHeader(host, hosts);
      if (!result.ok)
        return remember(
          key,
          `${result.message}. Add it to server.allowedHosts in the manifest to accept it.`,
        );
    }
    const result = validateOriginHeader(origin, origins);
    if (!result.ok)
      return remember(
        key,
        `${result.message}. Add it to server.allowedOrigins in the manifest to accept it.`,
      );
    return remember(key, undefined);
  };
}
