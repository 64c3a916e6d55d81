import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';

/** A connection Toolhost will not make; the message says why and which setting allows it. */
export class OutboundRefusal extends Error {
  override readonly name = 'OutboundRefusal';
}

export interface OutboundPolicy {
  /** Exact host names, `*.domain` (any subdomain of domain), or `*`. */
  readonly allowedHosts: readonly string[];
  readonly allowPrivateAddresses: boolean;
}

/** Loopback, private, link-local, CGNAT, unique-local and unspecified ranges (RFC 6890 and friends). */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address in disguise.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*') return true;
    if (p.startsWith('*.')) return name.endsWith(p.slice(1)) && name.length > p.length - 1;
    return name === p;
  });
}

/** Throw unless the host is on the allowlist. */
export function checkAllowed(host: string, policy: OutboundPolicy): void {
  if (!hostAllowed(host, policy.allowedHosts)) {
    throw new OutboundRefusal(
      `host ${host} is not in spaces.allowedHosts (${policy.allowedHosts.join(', ') || 'empty'})`,
    );
  }
}

/**
 * Check a host before connecting: on the allowlist, and (unless allowed) resolving
 * only to public addresses. Returns the addresses to connect to, so the check and
 * the connection use the same DNS answer (no rebinding in between).
 */
export async function vetHost(host: string, policy: OutboundPolicy): Promise<string[]> {
  const name = host.replace(/^\[|\]$/g, '');
  checkAllowed(name, policy);
  const addresses = isIP(name)
    ? [name]
    : (await lookup(name, { all: true, verbatim: true })).map((entry) => entry.address);
  if (!policy.allowPrivateAddresses) {
    const blocked = addresses.find(isPrivateAddress);
    if (blocked !== undefined) {
      throw new OutboundRefusal(
        `host ${name} resolves to the private or loopback address ${blocked}, which spaces.allowPrivateAddresses forbids`,
      );
    }
  }
  return addresses;
}

/** The refusal behind an error, however deep fetch and the SDK wrapped it. */
export function refusalOf(error: unknown): OutboundRefusal | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefusal) return e;
  }
  return undefined;
}

export interface GuardedFetch {
  readonly fetch: (url: string | URL, init?: RequestInit) => Promise<Response>;
  close(): Promise<void>;
}

/** What the current call adds to each request: headers (the caller's token) and a signal that ends it. */
export interface PerCall {
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

/**
 * A fetch whose every TCP connection is vetted by `vetHost` in undici's connect
 * hook — the check applies to the connection really made, not just the URL — and
 * whose redirects to hosts off the allowlist are refused. `perCall()` adds the
 * current call's headers and signal to each request.
 */
export function createGuardedFetch(
  policy: OutboundPolicy,
  perCall: () => PerCall,
  options: { connections?: number } = {},
): GuardedFetch {
  const connect = buildConnector({});
  const agent = new Agent({
    connections: options.connections ?? 16,
    connect: (opts, callback) => {
      vetHost(opts.hostname, policy).then(
        (addresses) =>
          connect(
            {
              ...opts,
              hostname: addresses[0]!,
              ...(isIP(opts.hostname) === 0 && { servername: opts.servername ?? opts.hostname }),
            },
            callback,
          ),
        (error: Error) => callback(error, null),
      );
    },
  });
  const guardedFetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const target = new URL(url);
    // Refuse before undici is involved; the connect hook vets addresses of every real connection.
    checkAllowed(target.hostname.replace(/^\[|\]$/g, ''), policy);
    const call = perCall();
    const merged = new Headers(init.headers);
    for (const [name, value] of Object.entries(call.headers ?? {})) merged.set(name, value);
    const signals = [init.signal, call.signal].filter((s): s is AbortSignal => s != null);
    const response = (await undiciFetch(target, {
      ...(init as object),
      headers: Object.fromEntries(merged),
      redirect: 'manual',
      ...(signals.length > 0 && { signal: AbortSignal.any(signals) }),
      dispatcher: agent,
    } as unknown as Parameters<typeof undiciFetch>[1])) as unknown as Response;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, target);
      if (!hostAllowed(next.hostname, policy.allowedHosts)) {
        await response.body?.cancel();
        throw new OutboundRefusal(
          `${target.host} redirected to ${next.host}, which spaces.allowedHosts does not allow`,
        );
      }
    }
    return response;
  };
  return { fetch: guardedFetch, close: () => agent.close() };
}
