import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch, hostAllowed, isPrivateAddress, refusalOf } from '../src/outbound';

describe('the host allowlist', () => {
  it('matches exact names, subdomain wildcards and *', () => {
    expect(hostAllowed('abc.hf.space', ['*.hf.space'])).toBe(true);
    expect(hostAllowed('ABC.HF.SPACE', ['*.hf.space'])).toBe(true);
    expect(hostAllowed('hf.space', ['*.hf.space'])).toBe(false);
    expect(hostAllowed('evilhf.space', ['*.hf.space'])).toBe(false);
    expect(hostAllowed('hf.space.evil.com', ['*.hf.space'])).toBe(false);
    expect(hostAllowed('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(hostAllowed('anything.example', ['*'])).toBe(true);
    expect(hostAllowed('a.hf.space', [])).toBe(false);
  });
});

describe('private addresses', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '0.0.0.0',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(['8.8.8.8', '52.1.2.3', '2606:4700::1111'])('%s is public', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});

/**
 * IPv6 forms that carry an IPv4 address reach that IPv4 host (through the kernel's
 * dual stack, a NAT64 translator, a 6to4 relay or Teredo), so they are judged by it.
 */
describe('IPv6 addresses that embed an IPv4 address', () => {
  it.each([
    ['::127.0.0.1', 'IPv4-compatible, dotted'],
    ['::7f00:1', 'IPv4-compatible, hex'],
    ['::10.0.0.1', 'IPv4-compatible, private'],
    ['::ffff:127.0.0.1', 'IPv4-mapped, dotted'],
    ['::ffff:7f00:1', 'IPv4-mapped, hex'],
    ['::FFFF:A9FE:A9FE', 'IPv4-mapped, hex, upper case (169.254.169.254)'],
    ['0:0:0:0:0:ffff:192.168.1.1', 'IPv4-mapped, written out'],
    ['::ffff:0:7f00:1', 'IPv4-translated, hex'],
    ['::ffff:0:10.1.2.3', 'IPv4-translated, dotted'],
    ['64:ff9b::7f00:1', 'NAT64 well-known prefix'],
    ['64:ff9b::192.168.0.1', 'NAT64 well-known prefix, dotted'],
    ['64:ff9b:1::7f00:1', 'local-use NAT64, /96 layout'],
    // Read with the /96 layout this is 8.0.0.0; with the /64 layout it is 10.0.0.8.
    ['64:ff9b:1:0:a:0:800:0', 'local-use NAT64, /64 layout (10.0.0.8)'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:a9fe:a9fe::1', '6to4 of 169.254.169.254'],
    ['2002:c0a8:101:1::1', '6to4 of 192.168.1.1'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo, client 127.0.0.1'],
    ['2001::f5ff:fffe', 'Teredo, client 10.0.0.1'],
    ['::ffff:7f00:1%eth0', 'IPv4-mapped with a zone id'],
  ])('%s is private (%s)', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each([
    ['::8.8.8.8', 'IPv4-compatible of 8.8.8.8'],
    ['::ffff:808:808', 'IPv4-mapped of 8.8.8.8'],
    ['::ffff:0:808:808', 'IPv4-translated of 8.8.8.8'],
    ['64:ff9b::808:808', 'NAT64 of 8.8.8.8'],
    ['64:ff9b:1::808:808', 'local-use NAT64 of 8.8.8.8, /96 layout'],
    ['64:ff9b:1:0:8:808:800:0', 'local-use NAT64 of 8.8.8.8, /64 layout'],
    ['2002:0808:0808::', '6to4 of 8.8.8.8'],
    ['2002:3401:203::1', '6to4 of 52.1.2.3'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'Teredo, client 8.8.8.8'],
    ['2001:4860:4860::8888', 'Google DNS (not Teredo: 2001:4860 is outside 2001::/32)'],
    ['2606:4700::1111', 'an ordinary public address'],
  ])('%s is public (%s)', (address) => expect(isPrivateAddress(address)).toBe(false));
});

describe('the guarded fetch', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/away') res.writeHead(307, { location: 'http://elsewhere.example/mcp' }).end();
      else if (req.url === '/near') res.writeHead(307, { location: '/there' }).end();
      else res.end(String(req.headers['x-hf-authorization'] ?? 'none'));
    });
    server.on('connection', () => {
      connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const open = { allowedHosts: ['127.0.0.1'], allowPrivateAddresses: true };

  it('adds the per-call headers', async () => {
    const http = createGuardedFetch(open, () => ({ headers: { 'x-hf-authorization': 'Bearer t' } }));
    expect(await (await http.fetch(`http://127.0.0.1:${port}/`)).text()).toBe('Bearer t');
    await http.close();
  });

  it('refuses a redirect off the allowlist, and passes one within it on', async () => {
    const http = createGuardedFetch(open, () => ({}));
    const error = await http.fetch(`http://127.0.0.1:${port}/away`).catch((e: unknown) => e);
    expect(refusalOf(error)?.message).toBe(
      `127.0.0.1:${port} redirected to elsewhere.example, which spaces.allowedHosts does not allow`,
    );
    expect((await http.fetch(`http://127.0.0.1:${port}/near`)).status).toBe(307);
    await http.close();
  });

  it('refuses private addresses in the connect hook, before any connection', async () => {
    const http = createGuardedFetch(
      { allowedHosts: ['127.0.0.1'], allowPrivateAddresses: false },
      () => ({}),
    );
    const before = connections;
    const error = await http.fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(refusalOf(error)?.message).toContain('private or loopback address 127.0.0.1');
    expect(connections).toBe(before);
    await http.close();
  });

  it('refuses an IPv4-mapped loopback URL, however it is written, before any connection', async () => {
    // The URL parser turns [::ffff:127.0.0.1] into [::ffff:7f00:1]: the hex form is what reaches the check.
    const http = createGuardedFetch(
      { allowedHosts: ['::ffff:7f00:1'], allowPrivateAddresses: false },
      () => ({}),
    );
    const before = connections;
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]']) {
      const error = await http.fetch(`http://${host}:${port}/`).catch((e: unknown) => e);
      expect(refusalOf(error)?.message, host).toContain('private or loopback address ::ffff:7f00:1');
    }
    expect(connections).toBe(before);
    await http.close();
  });

  it('refuses hosts off the allowlist without connecting', async () => {
    const http = createGuardedFetch(
      { allowedHosts: ['*.hf.space'], allowPrivateAddresses: true },
      () => ({}),
    );
    const before = connections;
    const error = await http.fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(refusalOf(error)?.message).toBe('host 127.0.0.1 is not in spaces.allowedHosts (*.hf.space)');
    expect(connections).toBe(before);
    await http.close();
  });
});
