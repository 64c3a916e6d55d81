/**
 * Gradio Spaces as plugins, end to end: real SDK clients talk to Toolhost, which
 * looks Spaces up in the Hub emulator and proxies their tools to local MCP servers
 * that behave like Gradio Spaces (test/src/test-spaces.ts).
 */
import { spacesConfig } from '@toolhost/plugin-gradio';
import { DEFAULT_MANIFEST, parseManifest } from '@toolhost/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  type Era,
  postMcp,
  type RunningToolhost,
  startToolhost,
  waitFor,
} from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { OWNER, PNG_1PX, PRIVATE_OWNER, startTestSpaces, type TestSpaces } from './src/test-spaces';

const HF_ALICE = 'hf_alice_test_token_000000000000';
const HF_BOB = 'hf_bob_test_token_00000000000000';
const TEXT_SPACE = `${OWNER}/text-space`;

let spaces: TestSpaces;
let hub: HubEmulator;
let toolhost: RunningToolhost;

/** A Toolhost whose `spaces` section points at the test Spaces (loopback allowed, as tests must). */
function start(spacesSection: Record<string, unknown> = {}, more: Record<string, unknown> = {}) {
  return startToolhost({
    manifest: {
      ...more,
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-image-gen', config: { space: `${OWNER}/image-space` } },
        { use: '@toolhost/plugin-gradio' },
      ],
      spaces: {
        endpoint: spaces.endpoint,
        allowedHosts: ['127.0.0.1'],
        allowPrivateAddresses: true,
        timeoutSeconds: 1,
        ...spacesSection,
      },
    },
    env: { HF_ENDPOINT: hub.url },
  });
}

beforeAll(async () => {
  spaces = await startTestSpaces();
  hub = await startHubEmulator({ add: { spaces: spaces.records } });
  toolhost = await start();
  const saved = await fetch(`${toolhost.baseUrl}/api/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${HF_ALICE}`, 'content-type': 'application/json' },
    body: JSON.stringify({ plugins: ['hub', 'image-gen'], spaces: [TEXT_SPACE] }),
  });
  expect(saved.status).toBe(200);
});
afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
  await spaces?.close();
});

const textOf = (result: { content?: unknown }) =>
  ((result.content ?? []) as { type: string; text?: string }[])
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n');

describe('a Space in the user settings', () => {
  it('lists its tools with the Space prefix and the upstream schema byte for byte', async () => {
    const response = await postMcp(toolhost.mcpUrl, undefined, { authorization: `Bearer ${HF_ALICE}` });
    const raw = await response.text();
    const tools = JSON.parse(raw.startsWith('{') ? raw : raw.slice(raw.indexOf('{'))).result.tools as {
      name: string;
      description: string;
      inputSchema: unknown;
      annotations?: unknown;
    }[];
    const proxied = tools.find((tool) => tool.name === 'toolhost-test_text-space_text_space_echo');
    const upstream = spaces.tools[TEXT_SPACE]![0]!;
    expect(proxied).toBeDefined();
    expect(proxied!.description).toBe(upstream['description']);
    expect(proxied!.annotations).toEqual({ readOnlyHint: true, openWorldHint: true });
    expect(JSON.stringify(proxied!.inputSchema)).toBe(JSON.stringify(upstream['inputSchema']));
    // Anonymous callers without ?gradio= do not get it.
    const anonymous = await (await postMcp(toolhost.mcpUrl)).text();
    expect(anonymous).not.toContain('text_space_echo');
  });

  it.each<Era>(['legacy', 'modern'])(
    'calls it and forwards the caller token as X-HF-Authorization (%s era)',
    async (era) => {
      const client = await connectClient(toolhost.mcpUrl, { era, token: HF_ALICE });
      const before = spaces.requests.length;
      const result = await client.callTool({
        name: 'toolhost-test_text-space_text_space_echo',
        arguments: { text: 'hello', shout: true },
      });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe('echo: HELLO');
      const call = spaces.requests.slice(before).find((r) => r.rpc.includes('tools/call'));
      expect(call?.headers['x-hf-authorization']).toBe(`Bearer ${HF_ALICE}`);
      await client.close();
    },
  );

  it('passes an upstream error result through, marked as an error', async () => {
    const client = await connectClient(`${toolhost.mcpUrl}?gradio=${OWNER}/error-space`, { era: 'legacy' });
    const result = await client.callTool({
      name: 'toolhost-test_error-space_error_space_fail',
      arguments: {},
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('Error: CUDA out of memory');
    await client.close();
  });
});

describe('a private Space', () => {
  const PRIVATE = `${PRIVATE_OWNER}/private-space`;

  it("works for its owner with the owner's token, and stays hidden from others", async () => {
    const before = hub.requests.length;
    const alice = await connectClient(`${toolhost.mcpUrl}?gradio=${PRIVATE}`, {
      era: 'legacy',
      token: HF_ALICE,
    });
    const result = await alice.callTool({ name: 'alice_private-space_private_space_whisper', arguments: {} });
    expect(textOf(result)).toBe('a secret');
    const lookup = hub.requests.slice(before).find((r) => r.path === `/api/spaces/${PRIVATE}`);
    expect(lookup?.authorization).toBe(`Bearer ${HF_ALICE}`);
    await alice.close();

    // Bob asks after Alice: her discovery is not shared with him.
    const bob = await connectClient(`${toolhost.mcpUrl}?gradio=${PRIVATE}`, { era: 'legacy', token: HF_BOB });
    const names = (await bob.listTools()).tools.map((t) => t.name);
    expect(names).toContain('alice_private-space_status');
    expect(names).not.toContain('alice_private-space_private_space_whisper');
    const status = await bob.callTool({ name: 'alice_private-space_status', arguments: {} });
    expect(textOf(status)).toContain(`Space ${PRIVATE} is unavailable (NOT_FOUND)`);
    await bob.close();
  });
});

describe('?gradio=', () => {
  it('adds Spaces for one request, sends no token for anonymous callers', async () => {
    const client = await connectClient(`${toolhost.mcpUrl}?gradio=${TEXT_SPACE}`, { era: 'legacy' });
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('toolhost-test_text-space_text_space_echo');
    expect(names).toContain('generate_image');
    const before = spaces.requests.length;
    const result = await client.callTool({
      name: 'toolhost-test_text-space_text_space_echo',
      arguments: { text: 'hi' },
    });
    expect(textOf(result)).toBe('echo: hi');
    const call = spaces.requests.slice(before).find((r) => r.rpc.includes('tools/call'));
    expect(call?.headers['x-hf-authorization']).toBeUndefined();
    await client.close();
  });

  it('shows a sleeping Space as a tool whose call names the Space and its status', async () => {
    const client = await connectClient(`${toolhost.mcpUrl}?gradio=${OWNER}/sleepy-space`, { era: 'legacy' });
    const status = (await client.listTools()).tools.find(
      (t) => t.name === 'toolhost-test_sleepy-space_status',
    );
    expect(status?.description).toContain('SLEEPING');
    const result = await client.callTool({ name: 'toolhost-test_sleepy-space_status', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`Space ${OWNER}/sleepy-space is unavailable (SLEEPING)`);
    await client.close();
  });
});

describe('generate_image', () => {
  it('returns image content from the image Space, with its link and mapped arguments', async () => {
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
    const result = await client.callTool({
      name: 'generate_image',
      arguments: { prompt: 'a red fox', seed: 7, steps: 4, width: 512, height: 512 },
    });
    expect(result.isError).toBeFalsy();
    const content = result.content as { type: string; data?: string; mimeType?: string; text?: string }[];
    expect(content).toContainEqual({ type: 'image', data: PNG_1PX, mimeType: 'image/png' });
    const text = textOf(result);
    expect(text).toContain('https://toolhost-test-image-space.hf.space/gradio_api/file=');
    expect(text).toContain('"num_inference_steps":4');
    expect(text).toContain('"randomize_seed":false');
    await client.close();
  });
});

describe('calls', () => {
  it.each<Era>(['legacy', 'modern'])("relays the Space's progress to the client (%s era)", async (era) => {
    const client = await connectClient(`${toolhost.mcpUrl}?gradio=${OWNER}/slow-space`, { era });
    const seen: { progress: number; total?: number; message?: string }[] = [];
    const result = await client.callTool(
      { name: 'toolhost-test_slow-space_slow_space_count', arguments: {} },
      { onprogress: (p: { progress: number; total?: number; message?: string }) => seen.push(p) },
    );
    expect(textOf(result)).toBe('counted to 3');
    expect(seen).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
    await client.close();
  });

  // The 2026-07-28 era cancels by ending the request. A 2025-era client sends notifications/cancelled
  // on a request of its own, which the stateless 2025 transport cannot route to the call.
  // A stateless 2025 request's cancel arrives on another POST that nothing can match to the
  // call; a 2025 session (and every 2026-07-28 request) carries it to the call.
  it.each<[Era, boolean]>([
    ['modern', false],
    ['legacy', true],
  ])('propagates a client cancel to the Space (%s era, sessions %s)', async (era, sessions) => {
    // A long timeout, so only the cancel can end the call.
    const patient = await start({ timeoutSeconds: 600 }, sessions ? { transport: { sessions: true } } : {});
    try {
      const client = await connectClient(`${patient.mcpUrl}?gradio=${OWNER}/hang-space`, { era });
      const before = spaces.requests.length;
      const abandonedBefore = spaces.abandoned.length;
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'toolhost-test_hang-space_hang_space_wait', arguments: {} },
        { signal: controller.signal },
      );
      await waitFor(
        () => spaces.requests.slice(before).some((r) => r.rpc.includes('tools/call')),
        'the call reached the Space',
      );
      controller.abort();
      await expect(call).rejects.toThrow();
      await waitFor(() => spaces.abandoned.length > abandonedBefore, 'the Space saw the call abandoned');
      await client.close();
    } finally {
      await patient.close();
    }
  });

  it('turns a Space that never answers into a timeout error naming it', async () => {
    const client = await connectClient(`${toolhost.mcpUrl}?gradio=${OWNER}/hang-space`, { era: 'legacy' });
    const result = await client.callTool({ name: 'toolhost-test_hang-space_hang_space_wait', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`Space ${OWNER}/hang-space did not answer within 1 s`);
    const metrics = await (await fetch(`${toolhost.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/toolhost_upstream_errors_total\{service="space",outcome="timeout"\} [1-9]/);
    await client.close();
  });

  it('reuses one upstream connection for ten sequential calls', async () => {
    const fresh = await start();
    try {
      const client = await connectClient(`${fresh.mcpUrl}?gradio=${TEXT_SPACE}`, { era: 'legacy' });
      const connectionsBefore = spaces.connections;
      const requestsBefore = spaces.requests.length;
      for (let i = 0; i < 10; i++) {
        const result = await client.callTool({
          name: 'toolhost-test_text-space_text_space_echo',
          arguments: { text: `call ${i}` },
        });
        expect(textOf(result)).toBe(`echo: call ${i}`);
      }
      const calls = spaces.requests.slice(requestsBefore).filter((r) => r.rpc.includes('tools/call'));
      expect(calls).toHaveLength(10);
      // All ten on one connection, opened by discovery (when the client connected): none opened since.
      expect(new Set(calls.map((call) => call.connection)).size).toBe(1);
      expect(spaces.connections).toBe(connectionsBefore);
      // Each proxied call is reported as an upstream request to the `space` service.
      const metrics = await (await fetch(`${fresh.baseUrl}/metrics`)).text();
      expect(metrics).toContain(
        'toolhost_upstream_request_duration_seconds_count{service="space",outcome="ok"} 10',
      );
      await client.close();
    } finally {
      await fresh.close();
    }
  });
});

describe('spaces.dropImages', () => {
  it("replaces a proxied tool's images with a note, and leaves generate_image alone", async () => {
    const textOnly = await start({ dropImages: true });
    try {
      const client = await connectClient(`${textOnly.mcpUrl}?gradio=${OWNER}/image-space`, { era: 'legacy' });
      const proxied = await client.callTool({
        name: 'toolhost-test_image-space_image_space_infer',
        arguments: { prompt: 'a fox' },
      });
      const blocks = proxied.content as { type: string }[];
      expect(blocks.map((b) => b.type)).toEqual(['text', 'text']);
      expect(textOf(proxied)).toContain('[image (image/png) left out: spaces.dropImages is on]');
      const generated = await client.callTool({ name: 'generate_image', arguments: { prompt: 'a fox' } });
      expect((generated.content as { type: string }[]).some((b) => b.type === 'image')).toBe(true);
      await client.close();
    } finally {
      await textOnly.close();
    }
  });
});

describe('outbound safety', () => {
  it.each([
    [{ allowedHosts: ['*.hf.space'] }, 'host 127.0.0.1 is not in spaces.allowedHosts'],
    [{ allowPrivateAddresses: false }, 'private or loopback address 127.0.0.1'],
  ])('refuses %j with a clear error and makes no connection', async (section, reason) => {
    const strict = await start(section);
    try {
      const before = spaces.connections;
      const client = await connectClient(`${strict.mcpUrl}?gradio=${TEXT_SPACE}`, { era: 'legacy' });
      const tools = (await client.listTools()).tools;
      const status = tools.find((t) => t.name === 'toolhost-test_text-space_status');
      expect(status?.description).toContain(reason);
      expect(tools.some((t) => t.name.endsWith('text_space_echo'))).toBe(false);
      const result = await client.callTool({ name: 'toolhost-test_text-space_status', arguments: {} });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(`Space ${TEXT_SPACE} is unavailable (REFUSED)`);
      expect(textOf(result)).toContain(reason);
      const image = await client.callTool({ name: 'generate_image', arguments: { prompt: 'a fox' } });
      expect(image.isError).toBe(true);
      expect(textOf(image)).toContain(`Space ${OWNER}/image-space is unavailable (REFUSED)`);
      expect(spaces.connections).toBe(before);
      await client.close();
    } finally {
      await strict.close();
    }
  });
});

describe('the manifest', () => {
  it('has the documented spaces defaults and names a bad field', async () => {
    // The `spaces:` section is the gradio plugin's config: its schema holds the defaults.
    expect(parseManifest(DEFAULT_MANIFEST, 'default')['spaces']).toBeUndefined();
    expect(spacesConfig.parse({})).toEqual({
      endpoint: 'https://{subdomain}.hf.space/gradio_api/mcp/',
      allowedHosts: ['*.hf.space'],
      allowPrivateAddresses: false,
      timeoutSeconds: 120,
      enabled: [],
      maxSpacesPerRequest: 10,
      toolsTtlSeconds: 300,
      failureTtlSeconds: 30,
      discoveryTimeoutSeconds: 10,
      dropImages: false,
    });
    // Validated by the kernel with the plugin's schema when it loads, the error naming the manifest key.
    await expect(
      startToolhost({
        manifest: { ...DEFAULT_MANIFEST, spaces: { endpoint: 'ftp://x', enabled: ['nope'] } },
      }),
    ).rejects.toThrow(
      'spaces.endpoint: must be an http(s) URL template; spaces.enabled[0]: must look like "owner/name"',
    );
  });
});
