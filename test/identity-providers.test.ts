/**
 * Identity providers as plugin contributions, end to end: a plugin loaded from a
 * manifest file (test/fixtures/plugins/test-identity.mjs) recognises `test_<name>`
 * tokens over HTTP in both eras and over stdio; and Hugging Face tokens while the
 * Hub cannot be reached (issue 11, item 9): a token verified before keeps its
 * identity, a token never seen is served as anonymous with the reason stated once,
 * and a token the Hub rejected stays a 401.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  connectClient,
  connectStdioClient,
  type Era,
  FIXTURES,
  postMcp,
  runCli,
  startToolhost,
} from './src/helpers';
import { startHubEmulator } from './src/hub-emulator';
import { closedPort } from './src/hub-plugins';

type Result = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };

const dir = mkdtempSync(join(tmpdir(), 'toolhost-identity-providers-'));
/** A manifest file, as an operator writes it: the plugins by path, next to it. */
function manifestFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}
const TEST_MANIFEST = manifestFile(
  'test-identity.yaml',
  `
auth:
  anonymous: false
  rateLimit: false
stores:
  default: memory
plugins:
  - use: "${join(FIXTURES, 'plugins/testkit.mjs')}"
  - use: "${join(FIXTURES, 'plugins/test-identity.mjs')}"
`,
);

const stdioClient = (era: Era, args: string[], env: Record<string, string>) =>
  connectStdioClient({ era, args, env });

const whoCalls = async (client: Client) =>
  (await client.callTool({ name: 'who_calls', arguments: {} })) as Result;

describe('a plugin identity provider and middleware loaded from a manifest file', () => {
  it.each<Era>(['legacy', 'modern'])('identifies test_<name> tokens over HTTP, %s era', async (era) => {
    const toolhost = await startToolhost({
      manifest: parseYaml(readFileSync(TEST_MANIFEST, 'utf8')),
      baseDir: dir,
    });
    try {
      const client = await connectClient(toolhost.mcpUrl, { era, token: 'test_ada' });
      const who = await whoCalls(client);
      expect(who.structuredContent).toMatchObject({ principal: 'test:ada', kind: 'user' });
      // The same plugin's middleware wrapped another plugin's tool.
      expect(who.content.at(-1)).toEqual({ type: 'text', text: '[who_calls called by test:ada]' });
      await client.close();
      // Rejected by the provider, and no provider for other tokens: 401 either way, never anonymous.
      const rejected = await postMcp(toolhost.mcpUrl, undefined, { authorization: 'Bearer test_NOT-valid' });
      expect(rejected.status).toBe(401);
      expect(rejected.headers.get('www-authenticate')).toContain('The test token names no valid user.');
      const unknown = await postMcp(toolhost.mcpUrl, undefined, { authorization: 'Bearer zz_unknown_kind' });
      expect(unknown.status).toBe(401);
      expect(unknown.headers.get('www-authenticate')).toContain('a test token (test_<name>)');
      // No Hub plugin loaded: a Hugging Face token is just another unknown token.
      const hf = await postMcp(toolhost.mcpUrl, undefined, {
        authorization: 'Bearer hf_alice_test_token_000000000000',
      });
      expect(hf.status).toBe(401);
    } finally {
      await toolhost.close();
    }
  });

  it.each<Era>(['legacy', 'modern'])('identifies the stdio user by its variable, %s era', async (era) => {
    const { client, stderr } = await stdioClient(era, ['--config', TEST_MANIFEST], {
      TEST_IDENTITY_TOKEN: 'test_grace',
    });
    try {
      const who = await whoCalls(client);
      expect(who.structuredContent).toMatchObject({ principal: 'test:grace', kind: 'user' });
      expect(who.content.at(-1)).toEqual({ type: 'text', text: '[who_calls called by test:grace]' });
    } finally {
      await client.close();
    }
    expect(stderr()).not.toContain('test_grace');
  });

  it('refuses to start over stdio with a token the provider rejects', async () => {
    const result = await runCli(['serve', '--stdio', '--config', TEST_MANIFEST], {
      env: { TEST_IDENTITY_TOKEN: 'test_BAD' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('toolhost: TEST_IDENTITY_TOKEN: The test token names no valid user.');
  });
});

describe('Hugging Face tokens while the Hub cannot be reached', () => {
  const ALICE = 'hf_alice_test_token_000000000000';
  const BOB = 'hf_bob_test_token_00000000000000';
  const MADE_UP = 'hf_revoked_or_made_up_token_000';

  it.each<Era>(['legacy', 'modern'])(
    'keeps a known identity, serves an unknown token as anonymous saying why once, and still refuses a rejected token (%s era)',
    async (era) => {
      const emulator = await startHubEmulator();
      const toolhost = await startToolhost({
        manifest: {
          // Every request asks the Hub again, so the stale answer is what keeps Alice.
          auth: { tokenCacheSeconds: 0 },
          plugins: [{ use: '@toolhost/plugin-hub' }, { use: './plugins/testkit.mjs' }],
        },
        baseDir: FIXTURES,
        env: { HF_ENDPOINT: emulator.url },
      });
      try {
        const before = await connectClient(toolhost.mcpUrl, { era, token: ALICE });
        expect((await whoCalls(before)).structuredContent).toMatchObject({ principal: 'hf:alice' });
        await before.close();
        expect(
          (await postMcp(toolhost.mcpUrl, undefined, { authorization: `Bearer ${MADE_UP}` })).status,
        ).toBe(401);

        await emulator.close(); // The Hub is gone: connections are refused.

        const alice = await connectClient(toolhost.mcpUrl, { era, token: ALICE });
        expect((await alice.listTools()).tools.map((t) => t.name)).toContain('who_calls');
        const known = await whoCalls(alice);
        expect(known.structuredContent).toMatchObject({
          principal: 'hf:alice',
          kind: 'user',
          hasToken: true,
        });
        expect(known.content).toHaveLength(1);
        await alice.close();

        // Never seen: initialize and tools/list answer (no 503); the first tool result says why.
        const bob = await connectClient(toolhost.mcpUrl, { era, token: BOB });
        expect((await bob.listTools()).tools.length).toBeGreaterThan(0);
        const unseen = await whoCalls(bob);
        expect(unseen.structuredContent).toMatchObject({
          principal: 'anonymous',
          kind: 'anonymous',
          hasToken: true,
        });
        expect(unseen.content[0]!.text).toBe(
          "Note: The Hugging Face Hub could not be reached to check the token; you are served as an anonymous caller for now, with an anonymous caller's tools and limits.",
        );
        expect(unseen.content).toHaveLength(2);
        await bob.close();

        // Rejected before the outage: still a 401, never served as anonymous.
        const rejected = await postMcp(toolhost.mcpUrl, undefined, { authorization: `Bearer ${MADE_UP}` });
        expect(rejected.status).toBe(401);
      } finally {
        await toolhost.close();
      }
    },
  );

  it.each<Era>(['legacy', 'modern'])(
    'serves stdio as anonymous with HF_TOKEN forwarded, saying why in the first tool result only (%s era)',
    async (era) => {
      const port = await closedPort();
      const manifest = manifestFile(
        `hub-${era}.yaml`,
        `
stores:
  default: memory
plugins:
  - use: "@toolhost/plugin-hub"
  - use: "${join(FIXTURES, 'plugins/testkit.mjs')}"
`,
      );
      const { client, stderr } = await stdioClient(era, ['--config', manifest], {
        HF_ENDPOINT: `http://127.0.0.1:${port}`,
        HF_TOKEN: BOB,
      });
      try {
        const first = await whoCalls(client);
        expect(first.structuredContent).toMatchObject({ principal: 'anonymous', hasToken: true });
        expect(first.content[0]!.text).toMatch(
          /^Note: The Hugging Face Hub could not be reached to check the token;/,
        );
        const second = await whoCalls(client);
        expect(second.content).toHaveLength(1);
        expect(second.content[0]!.text).not.toMatch(/^Note:/);
      } finally {
        await client.close();
      }
      expect(stderr()).not.toContain(BOB);
    },
  );
});

describe('plugin sections of the manifest', () => {
  it('refuses a spaces: section without the gradio plugin in one line naming the plugin to add', async () => {
    const manifest = manifestFile(
      'spaces-without-gradio.yaml',
      'stores:\n  default: memory\nplugins:\n  - use: "@toolhost/plugin-hub"\nspaces:\n  enabled: []\n',
    );
    const result = await runCli(['serve', '--config', manifest, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `toolhost: invalid manifest: the 'spaces:' section configures @toolhost/plugin-gradio, which the manifest does not load: add \`- use: "@toolhost/plugin-gradio"\` to plugins:`,
    ]);
  });
});
