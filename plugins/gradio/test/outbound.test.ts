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
