/** Progress notifications reach real SDK clients in both eras (SSE responses). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type Era, FIXTURES, type RunningToolhost, startToolhost } from './src/helpers';

let toolhost: RunningToolhost;
beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: { plugins: [{ use: './plugins/testkit.mjs' }] },
    baseDir: FIXTURES,
  });
});
afterAll(() => toolhost?.close());

describe.each<Era>(['legacy', 'modern'])('%s era', (era) => {
  it('relays progress from the handler to the client', async () => {
    const client = await connectClient(toolhost.mcpUrl, { era });
    const seen: { progress: number; total?: number; message?: string }[] = [];
    const result = await client.callTool(
      { name: 'progress', arguments: { steps: 3 } },
      { onprogress: (p: { progress: number; total?: number; message?: string }) => seen.push(p) },
    );
    expect((result.content as { text: string }[])[0]!.text).toBe('done in 3 steps');
    expect(seen).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
    await client.close();
  });
});
