import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Agent } from 'undici';

/** undici loads on the first outbound request, not at start-up (it costs ~250 ms of a cold start). */
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));

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

/**
 * Whether connecting to `address` would reach a loopback, private or otherwise
 * non-public host. An IPv6 address that carries an IPv4 address (see
 * `embeddedIPv4`) is judged by that IPv4 address too: `::ffff:7f00:1` is 127.0.0.1.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (PRIVATE.check(address.replace(/%.*$/, ''), 'ipv6')) return true;
  const bytes = ipv6Bytes(address);
  return embeddedIPv4(bytes).some((ipv4) => PRIVATE.check(ipv4, 'ipv4'));
}

/**
 * The 16 bytes of an IPv6 address that `isIP` accepted: a zone id (`%eth0`) is
 * dropped, a dotted IPv4 tail (`::ffff:1.2.3.4`) becomes its two hextets, and `::`
 * stands for as many zero hextets as are missing.
 */
function ipv6Bytes(address: string): Uint8Array {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const hextets = (part: string) => (part ? part.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const front = hextets(head);
  const back = tail === undefined ? [] : hextets(tail);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = new Uint8Array(16);
  all.forEach((hextet, i) => {
    bytes[2 * i] = hextet >> 8;
    bytes[2 * i + 1] = hextet & 0xff;
  });
  return bytes;
}

const dottedQuad = (bytes: ArrayLike<number>): string => Array.from(bytes).join('.');
const zero = (bytes: Uint8Array, from: number, to = bytes.length): boolean =>
  bytes.subarray(from, to).every((b) => b === 0);
const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  prefix.every((b, i) => bytes[i] === b);

/**
 * Where RFC 6052 puts the IPv4 address for a NAT64 prefix of each length (byte
 * offsets; byte 8 — bits 64–71 — is always zero and skipped), and where the zero
 * suffix after it starts.
 */
const RFC6052_LAYOUTS: readonly { readonly at: readonly number[]; readonly suffix: number }[] = [
  { at: [6, 7, 9, 10], suffix: 11 }, // /48
  { at: [7, 9, 10, 11], suffix: 12 }, // /56
  { at: [9, 10, 11, 12], suffix: 13 }, // /64
];

/**
 * The IPv4 addresses an IPv6 address reaches through a translation or tunnelling
 * mechanism — a connection to it may end at that IPv4 host:
 * - `::a.b.c.d` (IPv4-compatible, `::/96`), `::ffff:a.b.c.d` (IPv4-mapped) and
 *   `::ffff:0:a.b.c.d` (IPv4-translated, RFC 2765): the last 32 bits;
 * - NAT64 `64:ff9b::/96` (RFC 6052): the last 32 bits;
 * - local-use NAT64 `64:ff9b:1::/48` (RFC 8215): the operator chooses the prefix
 *   length (/48 to /96), which the address does not reveal, so every RFC 6052
 *   layout that fits the address (zero u-octet and suffix) is returned;
 * - 6to4 `2002::/16` (RFC 3056): bits 16–47;
 * - Teredo `2001::/32` (RFC 4380): the client, the last 32 bits inverted.
 */
function embeddedIPv4(bytes: Uint8Array): string[] {
  const last32 = dottedQuad(bytes.subarray(12));
  if (
    zero(bytes, 0, 10) &&
    ((bytes[10] === 0 && bytes[11] === 0) || (bytes[10] === 0xff && bytes[11] === 0xff))
  )
    return [last32];
  if (zero(bytes, 0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zero(bytes, 10, 12)) return [last32];
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b]) && zero(bytes, 4, 12)) return [last32];
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) {
    const layouts = RFC6052_LAYOUTS.filter(({ suffix }) => bytes[8] === 0 && zero(bytes, suffix));
    return [last32, ...layouts.map(({ at }) => dottedQuad(at.map((i) => bytes[i]!)))];
  }
  if (startsWith(bytes, [0x20, 0x02])) return [dottedQuad(bytes.subarray(2, 6))];
  if (startsWith(bytes, [0x20, 0x01, 0x00, 0x00])) {
    return [dottedQuad(Array.from(bytes.subarray(12), (b) => b ^ 0xff))];
  }
  return [];
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
  let agent: Agent | undefined;
  const agentFor = ({ Agent, buildConnector }: typeof import('undici')): Agent => {
    if (agent) return agent;
    const connect = buildConnector({});
    agent = new Agent({
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
    return agent;
  };
  const guardedFetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const target = new URL(url);
    // Refuse before undici is involved; the connect hook vets addresses of every real connection.
    checkAllowed(target.hostname.replace(/^\[|\]$/g, ''), policy);
    const call = perCall();
    const merged = new Headers(init.headers);
    for (const [name, value] of Object.entries(call.headers ?? {})) merged.set(name, value);
    const signals = [init.signal, call.signal].filter((s): s is AbortSignal => s != null);
    const module = await loadUndici();
    const dispatcher = agentFor(module);
    const response = (await module.fetch(target, {
      ...(init as object),
      headers: Object.fromEntries(merged),
      redirect: 'manual',
      ...(signals.length > 0 && { signal: AbortSignal.any(signals) }),
      dispatcher,
    } as unknown as Parameters<typeof module.fetch>[1])) as unknown as Response;
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
  return { fetch: guardedFetch, close: async () => agent?.close() };
}
