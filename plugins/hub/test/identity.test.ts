/**
 * Hugging Face tokens as a way in: the hub plugin's identity provider, asked by the
 * kernel's identity resolver (moved from core/test/identity-resolver.test.ts when
 * the whoami check left the kernel).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UpstreamCallFinished } from '@toolhost/core/kernel';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The resolver itself is under test, so this reaches past the facade into the kernel's internals.
import { Kernel } from '../../../core/src/kernel/internal';
import hubPlugin from '../src/index';

const logger = pino({ level: 'silent' });
let whoamiCalls = 0;
const hub = createServer((req, res) => {
  whoamiCalls++;
  const ok = req.headers.authorization === 'Bearer hf_good';
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify(
      ok
        ? { type: 'user', name: 'dana', isPro: false, auth: { accessToken: { role: 'read' } } }
        : { error: 'bad' },
    ),
  );
});
let hfEndpoint = '';
const kernels: Kernel[] = [];
beforeAll(async () => {
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hfEndpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(kernels.map((k) => k.shutdown()));
  await new Promise<void>((resolve) => hub.close(() => resolve()));
});

/** A kernel with only the hub plugin; its identity resolver is what is tested. */
async function resolver(
  config: Record<string, unknown>,
  anonymous: boolean,
  upstream: UpstreamCallFinished[] = [],
) {
  const kernel = await Kernel.fromPlugins([{ plugin: hubPlugin, config: { retries: 0, ...config } }], {
    logger,
    auth: { anonymous },
    telemetry: { upstreamCall: (event) => upstream.push(event) },
  });
  kernels.push(kernel);
  return kernel.auth;
}

describe('the hub identity provider', () => {
  it('asks the Hub once per token, for valid and invalid answers alike, through the counted Hub client', async () => {
    const upstream: UpstreamCallFinished[] = [];
    const auth = await resolver({ endpoint: hfEndpoint }, true, upstream);
    whoamiCalls = 0;
    for (let i = 0; i < 3; i++) {
      expect(await auth.authenticate('hf_good')).toMatchObject({
        ok: true,
        principal: { id: 'hf:dana', plan: 'free', scopes: ['read'] },
        credentials: { hfToken: 'hf_good' },
      });
      expect(await auth.authenticate('hf_bad')).toMatchObject({ ok: false, status: 401 });
    }
    expect(whoamiCalls).toBe(2);
    expect(await auth.authenticate('not-a-known-kind')).toMatchObject({
      ok: false,
      status: 401,
      error: 'invalid_token',
    });
    // The whoami calls are the hub plugin's upstream calls, in its metrics.
    expect(upstream.map((u) => [u.plugin, u.service, u.outcome])).toEqual([
      ['hub', 'hub', 'ok'],
      ['hub', 'hub', 'client_error'],
    ]);
  });

  it('reports an unreachable Hub as 503, not as a bad token', async () => {
    // Anonymous access off: with the Hub unreachable and the token never seen, nothing else is possible.
    const auth = await resolver({ endpoint: 'http://127.0.0.1:1' }, false);
    expect(await auth.authenticate('hf_good')).toMatchObject({
      ok: false,
      status: 503,
      error: 'temporarily_unavailable',
    });
  });

  it('offline, never asks the Hub: Hugging Face tokens ride along unverified as anonymous, or are refused', async () => {
    whoamiCalls = 0;
    const offline = await resolver({ endpoint: hfEndpoint, offline: true }, true);
    expect(await offline.authenticate('hf_good')).toMatchObject({
      ok: true,
      principal: { id: 'anonymous' },
      credentials: { hfToken: 'hf_good' },
    });
    // Offline is the operator's choice, and the tools say so themselves: no note in tool results.
    expect(await offline.authenticate('hf_good')).not.toHaveProperty('notice');
    const strict = await resolver({ endpoint: hfEndpoint, offline: true }, false);
    expect(await strict.authenticate('hf_good')).toMatchObject({ ok: false, status: 503 });
    expect(whoamiCalls).toBe(0);
  });

  it('names HF_TOKEN as the stdio identity', async () => {
    const auth = await resolver({ endpoint: hfEndpoint }, true);
    expect(auth.stdioToken({ HF_TOKEN: 'hf_good' })).toEqual({ token: 'hf_good', source: 'HF_TOKEN' });
  });
});
