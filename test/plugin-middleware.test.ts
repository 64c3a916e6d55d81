/**
 * Plugin middleware end to end: a plugin loaded from a manifest wraps its tool's
 * calls, over Streamable HTTP in both eras and over stdio (the built CLI).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  connectStdioClient,
  type Era,
  FIXTURES,
  type RunningToolhost,
  startToolhost,
} from './src/helpers';

type Result = { content: { type: string; text: string }[]; isError?: boolean };

/** What every transport must answer, whatever carries it. */
async function expectWrapped(client: Client, stamp: string) {
  const ok = (await client.callTool({ name: 'stamped_echo', arguments: { text: 'hi' } })) as Result;
  expect(ok.isError).toBeUndefined();
  expect(ok.content.map((c) => c.text)).toEqual([
    expect.stringMatching(/^hi \(handler run \d+\)$/),
    `${stamp}: stamped/stamped_echo`,
  ]);
  // Refused by the outer middleware: the handler does not run, and the inner stamp never sees the call.
  const refused = (await client.callTool({
    name: 'stamped_echo',
    arguments: { text: 'a secret' },
  })) as Result;
  expect(refused.isError).toBe(true);
  expect(refused.content.map((c) => c.text)).toEqual(['This server does not echo secrets.']);
  const again = (await client.callTool({ name: 'stamped_echo', arguments: { text: 'x' } })) as Result;
  const run = (text: string) => Number(/handler run (\d+)/.exec(text)![1]);
  expect(run(again.content[0]!.text)).toBe(run(ok.content[0]!.text) + 1);
}

describe('over HTTP', () => {
  let server: RunningToolhost;
  beforeAll(async () => {
    server = await startToolhost({
      manifest: { plugins: [{ use: './plugins/stamped.mjs', config: { stamp: 'from the manifest' } }] },
      baseDir: FIXTURES,
    });
  });
  afterAll(() => server?.close());

  it.each<Era>(['legacy', 'modern'])('wraps the tool in the %s era', async (era) => {
    const client = await connectClient(server.mcpUrl, { era });
    try {
      await expectWrapped(client, 'from the manifest');
    } finally {
      await client.close();
    }
  });
});

describe('over stdio', () => {
  it.each<Era>(['legacy', 'modern'])('wraps the tool in the %s era', async (era) => {
    const cwd = mkdtempSync(join(tmpdir(), 'toolhost-middleware-'));
    writeFileSync(
      join(cwd, 'toolhost.config.yaml'),
      `plugins:\n  - use: "${join(FIXTURES, 'plugins/stamped.mjs')}"\n    config:\n      stamp: "over stdio"\n`,
    );
    const { client } = await connectStdioClient({ era, cwd });
    try {
      await expectWrapped(client, 'over stdio');
    } finally {
      await client.close();
    }
  });
});
