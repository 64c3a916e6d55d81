/**
 * The direct path must answer exactly as the SDK path does. The same traffic — both
 * eras, every hot method, errors, and requests the direct path must decline — goes
 * to two servers that differ only in `server.directPath`, and every answer must be
 * byte-identical: status, content type and body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

const MODERN = '2026-07-28';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'differential', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Probe {
  label: string;
  headers: Record<string, string>;
  body: unknown;
  /** Whether the direct path is expected to answer it. */
  direct: boolean;
}

const JSON_ACCEPT = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

const TOOL_CALLS: { name: string; arguments?: unknown }[] = [
  { name: 'echo', arguments: { text: 'héllo "quoted" \\ <tag> \u2028' } },
  { name: 'echo', arguments: { text: 7 } },
  { name: 'echo', arguments: {} },
  { name: 'echo' },
  { name: 'add', arguments: { a: 2.5, b: -1 } },
  { name: 'fail_expected', arguments: {} },
  { name: 'fail_internal', arguments: {} },
  { name: 'bad_output', arguments: {} },
  { name: 'with_meta', arguments: {} },
  { name: 'who_calls', arguments: {} },
  { name: 'model_search', arguments: { query: 'llama', limit: 2 } },
  { name: 'model_details', arguments: { repo_id: 'openai/whisper-small' } },
  { name: 'model_details', arguments: { repo_id: 'nobody/nothing' } },
  { name: 'does_not_exist', arguments: {} },
  // Asks the client for input: input_required in 2026-07-28, an isError in a stateless 2025 request.
  { name: 'ask_name', arguments: {} },
];

function legacy(id: unknown, method: string, params?: unknown, extra: Record<string, string> = {}): Probe {
  return {
    label: `legacy ${method}`,
    headers: { ...JSON_ACCEPT, ...extra },
    body: { jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) },
    direct: true,
  };
}

function modern(id: unknown, method: string, params: Record<string, unknown> = {}, name?: string): Probe {
  return {
    label: `modern ${method}`,
    headers: {
      ...JSON_ACCEPT,
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name !== undefined && { 'mcp-name': name }),
    },
    body: {
      jsonrpc: '2.0',
      id,
      method,
      params: { ...params, _meta: { ...ENVELOPE, ...(params['_meta'] as object) } },
    },
    direct: true,
  };
}

/** Requests the direct path must leave to the SDK (their answers must still match). */
function declined(): Probe[] {
  const sdk = (probe: Probe, label: string): Probe => ({ ...probe, label, direct: false });
  return [
    sdk(
      legacy(1, 'tools/call', { name: 'echo', arguments: { text: 'x' }, _meta: { progressToken: 'p' } }),
      'legacy progress token',
    ),
    sdk(
      legacy(2, 'tools/call', { name: 'echo', arguments: { text: 'x' }, extra: true }),
      'legacy extra param',
    ),
    sdk(legacy(3, 'tools/call', { name: 5 }), 'legacy non-string name'),
    sdk(legacy(4, 'tools/call', { name: 'echo', arguments: 'text' }), 'legacy non-object arguments'),
    sdk(
      legacy(5, 'tools/list', undefined, { 'mcp-protocol-version': '1999-01-01' }),
      'legacy unsupported version header',
    ),
    sdk(legacy(6, 'resources/list'), 'legacy resources/list'),
    sdk(legacy(7, 'prompts/get', { name: 'summarize', arguments: { text: 'abc' } }), 'legacy prompts/get'),
    sdk(
      legacy(8, 'initialize', {
        protocolVersion: '2025-06-18',
        capabilities: { roots: 5 },
        clientInfo: { name: 'c', version: '1' },
      }),
      'initialize with invalid capabilities',
    ),
    sdk(
      {
        ...legacy(9, 'tools/list'),
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      },
      'legacy missing SSE accept',
    ),
    sdk(
      { ...modern(10, 'tools/list'), headers: { ...JSON_ACCEPT, 'mcp-method': 'tools/list' } },
      'modern missing version header',
    ),
    sdk(
      { ...modern(11, 'tools/list'), headers: { ...JSON_ACCEPT, 'mcp-protocol-version': MODERN } },
      'modern missing method header',
    ),
    sdk(modern(12, 'tools/call', { name: 'echo', arguments: { text: 'x' } }), 'modern missing name header'),
    sdk(
      modern(13, 'tools/call', { name: 'echo', arguments: { text: 'x' } }, 'add'),
      'modern mismatched name header',
    ),
    sdk(modern(14, 'ping'), 'modern ping'),
    sdk(modern(15, 'server/discover'), 'modern discover'),
    sdk(
      modern(
        16,
        'tools/call',
        { name: 'echo', arguments: { text: 'x' }, _meta: { ...ENVELOPE, progressToken: 1 } },
        'echo',
      ),
      'modern progress token',
    ),
    sdk(
      {
        ...modern(17, 'tools/list'),
        headers: { ...JSON_ACCEPT, 'mcp-protocol-version': '2025-06-18', 'mcp-method': 'tools/list' },
      },
      'modern version mismatch',
    ),
    sdk(
      {
        ...modern(18, 'tools/list'),
        body: {
          jsonrpc: '2.0',
          id: 18,
          method: 'tools/list',
          params: { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } },
        },
      },
      'modern incomplete envelope',
    ),
    sdk(
      {
        label: 'batch',
        headers: JSON_ACCEPT,
        body: [{ jsonrpc: '2.0', id: 19, method: 'ping' }],
        direct: false,
      },
      'batch',
    ),
    sdk(
      { label: 'not json-rpc', headers: JSON_ACCEPT, body: { hello: 'world' }, direct: false },
      'not json-rpc',
    ),
    sdk(
      {
        label: 'text/plain',
        headers: { ...JSON_ACCEPT, 'content-type': 'text/plain' },
        body: { jsonrpc: '2.0', id: 20, method: 'ping' },
        direct: false,
      },
      'wrong media type',
    ),
  ];
}

function corpus(count: number, seed: number): Probe[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const id = () =>
    random() < 0.5 ? Math.floor(random() * 1e9) : pick(['a', 'req-"1"', 'ünï', '0', 'x'.repeat(40)]);
  const probes: Probe[] = [];
  for (let i = 0; i < count; i++) {
    const call = pick(TOOL_CALLS);
    const params = { name: call.name, ...(call.arguments !== undefined && { arguments: call.arguments }) };
    switch (
      pick([
        'initialize',
        'list',
        'call',
        'call',
        'call',
        'ping',
        'notify',
        'modern-list',
        'modern-call',
        'modern-call',
      ] as const)
    ) {
      case 'initialize':
        probes.push(
          legacy(id(), 'initialize', {
            protocolVersion: pick(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2099-01-01']),
            capabilities: pick([{}, { roots: { listChanged: true } }, { sampling: {}, elicitation: {} }]),
            clientInfo: { name: pick(['claude-ai', 'vscode', 'cursor']), version: '1.0.0' },
          }),
        );
        break;
      case 'list':
        probes.push(
          legacy(
            id(),
            'tools/list',
            pick([undefined, {}, { cursor: 'x' }]),
            pick<Record<string, string>>([{}, { 'mcp-protocol-version': '2025-06-18' }]),
          ),
        );
        break;
      case 'call':
        probes.push(legacy(id(), 'tools/call', params));
        break;
      case 'ping':
        probes.push(legacy(id(), 'ping'));
        break;
      case 'notify':
        probes.push({
          label: 'legacy initialized',
          headers: JSON_ACCEPT,
          body: { jsonrpc: '2.0', method: 'notifications/initialized' },
          direct: true,
        });
        break;
      case 'modern-list':
        probes.push(modern(id(), 'tools/list'));
        break;
      case 'modern-call':
        probes.push(modern(id(), 'tools/call', params, call.name));
        break;
    }
  }
  return probes;
}

let hub: HubEmulator;
let direct: RunningToolhost;
let sdkOnly: RunningToolhost;

const manifest = (directPath: boolean) => ({
  server: { directPath },
  plugins: [
    { use: '@toolhost/plugin-hub' },
    { use: '@toolhost/plugin-models' },
    { use: './plugins/testkit.mjs' },
    { use: './plugins/round-trip.mjs' },
  ],
});

beforeAll(async () => {
  hub = await startHubEmulator();
  const env = { HF_ENDPOINT: hub.url };
  direct = await startToolhost({ manifest: manifest(true), baseDir: FIXTURES, env });
  sdkOnly = await startToolhost({ manifest: manifest(false), baseDir: FIXTURES, env });
});
afterAll(async () => {
  await direct?.close();
  await sdkOnly?.close();
  await hub?.close();
});

async function send(server: RunningToolhost, probe: Probe, requestId: string) {
  const response = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      ...probe.headers,
      'x-request-id': requestId,
      authorization: 'Bearer hf_alice_test_token_000000000000',
    },
    body: JSON.stringify(probe.body),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/** SSE frames carry a per-stream event id; everything else must match byte for byte. */
const normalise = (answer: { status: number; type: string | null; body: string }) => ({
  ...answer,
  body: answer.body.replace(/^id: .*$/gm, 'id: <event>'),
});

describe('direct path ≡ SDK path', () => {
  it('answers a seeded random corpus of both eras byte for byte', async () => {
    const probes = corpus(400, 20261123);
    const before = { ...direct.app.kernel.health().served };
    for (const [index, probe] of probes.entries()) {
      const requestId = `diff-${index}`;
      const [a, b] = [await send(direct, probe, requestId), await send(sdkOnly, probe, requestId)];
      expect({ probe: probe.label, index, ...a }).toEqual({ probe: probe.label, index, ...b });
    }
    const after = direct.app.kernel.health().served;
    // Nearly all of this corpus is hot-path traffic, so the direct path must have answered it.
    expect(after.direct - before.direct).toBeGreaterThan(probes.length * 0.95);
    expect(sdkOnly.app.kernel.health().served.direct).toBe(0);
  });

  it('leaves unusual requests to the SDK, which answers them identically', async () => {
    for (const [index, probe] of declined().entries()) {
      const before = direct.app.kernel.health().served.direct;
      const requestId = `declined-${index}`;
      const [a, b] = [await send(direct, probe, requestId), await send(sdkOnly, probe, requestId)];
      expect({ probe: probe.label, ...normalise(a) }).toEqual({ probe: probe.label, ...normalise(b) });
      expect({ probe: probe.label, direct: direct.app.kernel.health().served.direct - before }).toEqual({
        probe: probe.label,
        direct: 0,
      });
    }
  });

  it('answers a first round that asks the client for input identically, with or without the capability', async () => {
    const capable = { ...ENVELOPE, 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } };
    const probes = [
      modern('ask-1', 'tools/call', { name: 'ask_name', arguments: {}, _meta: capable }, 'ask_name'),
      modern('ask-2', 'tools/call', { name: 'ask_name', arguments: {} }, 'ask_name'),
    ];
    // requestState is signed with each server's key and an expiry: equal in shape, not in bytes.
    const sealed = (answer: { status: number; type: string | null; body: string }) => ({
      ...answer,
      body: answer.body.replace(/"requestState":"v1\.[\w-]+\.[\w-]+"/, '"requestState":"<signed>"'),
    });
    for (const [index, probe] of probes.entries()) {
      const requestId = `ask-${index}`;
      const [a, b] = [await send(direct, probe, requestId), await send(sdkOnly, probe, requestId)];
      expect({ probe: probe.label, index, ...sealed(a) }).toEqual({
        probe: probe.label,
        index,
        ...sealed(b),
      });
    }
    const answered = await send(direct, probes[0]!, 'ask-status');
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body).result.resultType).toBe('input_required');
  });
});
