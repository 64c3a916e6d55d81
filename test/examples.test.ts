/**
 * Every example manifest (`examples/*.yaml`) starts, and its comments tell the truth.
 * Each example states who sees which tools in lines such as
 *
 *     #   anonymous sees: hf_whoami, model_search
 *     #   plan free ?preset=search sees: model_search, dataset_search
 *     #   anonymous sees: all tools of conformance
 *
 * and each such line is checked here: the example is served as written (only its
 * store moved to a temp folder, the Hub emulator as HF_ENDPOINT), a user of the plan
 * gets a Toolhost API token from `toolhost tokens create`, and a real SDK client
 * lists tools with that token and query, in both eras. The other comments are
 * checked one by one below.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@toolhost/server';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { connectClient, type Era, postMcp, REPO_ROOT, runCli } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

const EXAMPLES = join(REPO_ROOT, 'examples');
const EXAMPLE_FILES = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml'));
const HF_ALICE = 'hf_alice_test_token_000000000000'; // a PRO account on the emulator
const HF_BOB = 'hf_bob_test_token_00000000000000'; // a free account
const ADMIN_TOKEN = 'example-test-admin-token';

interface Claim {
  line: string;
  /** `anonymous`, or the plan of an authenticated caller. */
  caller: { kind: 'anonymous' } | { kind: 'plan'; plan: string };
  query: string;
  /** Tool names, or `all tools of <plugin>`. */
  tools: ({ name: string } | { plugin: string })[];
}

const CLAIM = /^#\s+(anonymous|plan ([\w-]+))((?: \?\S+)*) sees: (.+)$/gm;

function claimsOf(text: string): Claim[] {
  return [...text.matchAll(CLAIM)].map(([line, who, plan, query, list]) => ({
    line: line.replace(/^#\s+/, ''),
    caller: who === 'anonymous' ? { kind: 'anonymous' } : { kind: 'plan', plan: plan! },
    query: (query ?? '').trim().replaceAll(' ?', '&'),
    tools: list!.split(',').map((item) => {
      const all = /^all tools of ([\w-]+)$/.exec(item.trim());
      return all ? { plugin: all[1]! } : { name: item.trim() };
    }),
  }));
}

interface ServedExample {
  app: FastifyInstance;
  data: Record<string, unknown>;
  /** The example with only its store moved to a temp folder, for `toolhost tokens --config`. */
  configFile: string;
  baseUrl: string;
  mcpUrl: string;
}

/** Serve an example as written, on a free port of its own host, with its SQLite file in a temp folder. */
async function serveExample(name: string, hub: HubEmulator): Promise<ServedExample> {
  const data = parseYaml(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-example-'));
  data['stores'] = { ...(data['stores'] as object), path: join(dir, 'toolhost.db') };
  const configFile = join(dir, name);
  writeFileSync(configFile, stringifyYaml(data));
  const app = await buildApp({
    manifest: data as never,
    baseDir: EXAMPLES,
    logger: pino({ level: 'silent' }),
    env: { HF_ENDPOINT: hub.url, TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  const server = (data['server'] ?? {}) as { host?: string };
  const address = await app.listen({ host: server.host ?? '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${new URL(address).port}`;
  return { app, data, configFile, baseUrl, mcpUrl: `${baseUrl}/mcp` };
}

/** A Toolhost API token for a user of `plan`, made the way an operator makes one. */
async function tokenFor(example: ServedExample, plan: string): Promise<string> {
  const result = await runCli([
    'tokens',
    'create',
    '--user',
    `example-${plan}`,
    '--plan',
    plan,
    '--config',
    example.configFile,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n')[0]!;
}

async function listToolNames(mcpUrl: string, era: Era, token?: string): Promise<string[]> {
  const client = await connectClient(mcpUrl, { era, ...(token && { token }) });
  try {
    return (await client.listTools()).tools.map((tool) => tool.name).toSorted();
  } finally {
    await client.close();
  }
}

/** A GET with a chosen Host header (fetch may not set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

let hub: HubEmulator;
beforeAll(async () => {
  hub = await startHubEmulator();
});
afterAll(async () => {
  await hub?.close();
});

describe.each(EXAMPLE_FILES)('examples/%s', (name) => {
  const text = readFileSync(join(EXAMPLES, name), 'utf8');
  const claims = claimsOf(text);
  let example: ServedExample;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    example = await serveExample(name, hub);
    for (const claim of claims) {
      if (claim.caller.kind === 'plan' && !tokens.has(claim.caller.plan))
        tokens.set(claim.caller.plan, await tokenFor(example, claim.caller.plan));
    }
  });
  afterAll(async () => {
    await example?.app.close();
  });

  it('says who sees which tools', () => {
    expect(claims.length).toBeGreaterThan(0);
  });

  it.each(claims.map((claim) => [claim.line, claim] as const))('%s', async (_line, claim) => {
    const catalog = example.app.kernel.health().tools;
    const expected = claim.tools
      .flatMap((item) =>
        'name' in item ? [item.name] : catalog.filter((t) => t.plugin === item.plugin).map((t) => t.name),
      )
      .toSorted();
    expect(expected.length).toBeGreaterThan(0);
    const token = claim.caller.kind === 'plan' ? tokens.get(claim.caller.plan) : undefined;
    const url = claim.query ? `${example.mcpUrl}?${claim.query.replace(/^\?/, '')}` : example.mcpUrl;
    for (const era of ['legacy', 'modern'] as const) {
      expect(await listToolNames(url, era, token), `${era}: ${claim.line}`).toEqual(expected);
    }
  });
});

/** The remaining comments of examples/hosted.yaml, one by one. */
describe('examples/hosted.yaml, the rest of its comments', () => {
  let example: ServedExample;
  let claims: Claim[];
  const seen = (who: string) => {
    const claim = claims.find((c) => c.line.startsWith(`${who} sees:`));
    expect(claim, who).toBeDefined();
    return claim!.tools.map((t) => ('name' in t ? t.name : '')).toSorted();
  };

  beforeAll(async () => {
    example = await serveExample('hosted.yaml', hub);
    claims = claimsOf(readFileSync(join(EXAMPLES, 'hosted.yaml'), 'utf8'));
  });
  afterAll(async () => {
    await example?.app.close();
  });

  it('a PRO Hugging Face account is plan pro, any other Hugging Face token plan free', async () => {
    expect(await listToolNames(example.mcpUrl, 'legacy', HF_ALICE)).toEqual(seen('plan pro'));
    expect(await listToolNames(example.mcpUrl, 'legacy', HF_BOB)).toEqual(seen('plan free'));
  });

  it('a Toolhost API token made without --plan is plan free', async () => {
    const result = await runCli(['tokens', 'create', '--user', 'carol', '--config', example.configFile]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(plan free)');
    const token = result.stdout.split('\n')[0]!;
    const withPreset = await listToolNames(`${example.mcpUrl}?preset=search`, 'legacy', token);
    expect(withPreset).toEqual(seen('plan free ?preset=search'));
  });

  it('only plan pro may add Spaces: ?gradio= adds the Space for pro, nothing for free or anonymous', async () => {
    // A Space the Hub does not know: it is listed as one status tool, which is enough to show it was added.
    const url = `${example.mcpUrl}?gradio=someone/missing-space`;
    const pro = await listToolNames(url, 'legacy', HF_ALICE);
    expect(pro.filter((tool) => tool.startsWith('someone_missing-space_'))).toHaveLength(1);
    expect(pro.filter((tool) => !tool.startsWith('someone_missing-space_'))).toEqual(seen('plan pro'));
    expect(await listToolNames(url, 'legacy', HF_BOB)).toEqual(seen('plan free'));
    expect(await listToolNames(url, 'legacy')).toEqual(seen('anonymous'));
  });

  it('a user widens their own selection within their bound in their settings', async () => {
    const saved = await fetch(`${example.baseUrl}/api/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${HF_BOB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plugins: ['hub', 'models', 'datasets', 'papers', 'image-gen'] }),
    });
    expect(saved.status).toBe(200);
    const tools = await listToolNames(example.mcpUrl, 'legacy', HF_BOB);
    expect(tools).toEqual(
      [...new Set([...seen('plan free'), ...seen('plan free ?preset=search')])].toSorted(),
    );
  });

  it('publicUrl is what the OAuth metadata names', async () => {
    const metadata = await (
      await fetch(`${example.baseUrl}/.well-known/oauth-protected-resource/mcp`)
    ).json();
    expect(metadata.resource).toBe('https://mcp.example.com/mcp');
    expect(metadata.authorization_servers).toEqual(['https://huggingface.co']);
  });

  it('accepts Host mcp.example.com besides localhost, and refuses others', async () => {
    const healthz = `${example.baseUrl}/healthz`;
    expect(await getWithHost(healthz, 'mcp.example.com')).toBe(200);
    expect(await getWithHost(healthz, 'evil.example.net')).toBe(403);
  });

  it('bound to 0.0.0.0, /metrics and the dashboard need TOOLHOST_ADMIN_TOKEN', async () => {
    for (const path of ['/metrics', '/api/dashboard']) {
      expect((await fetch(`${example.baseUrl}${path}`)).status, path).toBe(401);
      const admitted = await fetch(`${example.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(admitted.status, path).toBe(200);
    }
  });

  it('rate-limits requests without a token at 600 a minute per address, and not those with one', async () => {
    const anonymous = await postMcp(example.mcpUrl);
    expect(anonymous.headers.get('x-ratelimit-limit')).toBe('600');
    const withToken = await postMcp(example.mcpUrl, undefined, { authorization: `Bearer ${HF_BOB}` });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

/** The remaining comments of examples/conformance.yaml. */
describe('examples/conformance.yaml, the rest of its comments', () => {
  let example: ServedExample;
  beforeAll(async () => {
    example = await serveExample('conformance.yaml', hub);
  });
  afterAll(async () => {
    await example?.app.close();
  });

  it('turns 2025-era stateful sessions on', async () => {
    const response = await postMcp(example.mcpUrl, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'example', version: '1' },
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeTruthy();
    await response.body?.cancel();
  });

  it('never asks huggingface.co (HF_ENDPOINT) about a Hugging Face token', async () => {
    const before = hub.requests.length;
    const response = await postMcp(example.mcpUrl, undefined, { authorization: `Bearer ${HF_ALICE}` });
    expect(response.status).toBe(401);
    expect(hub.requests.slice(before)).toEqual([]);
  });

  it('does not rate-limit bursts from one address', async () => {
    const response = await postMcp(example.mcpUrl);
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    await response.body?.cancel();
  });
});
