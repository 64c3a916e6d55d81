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

describe('streams in the metrics', () => {
  const metric = async (series: string) => {
    const text = await (await fetch(`${toolhost.baseUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('count each SSE answer as a stream while it is open, and its request as outcome "stream"', async () => {
    const before =
      (await metric('toolhost_mcp_requests_total{method="tools/call",era="legacy",outcome="stream"}')) ?? 0;
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
    await client.callTool({ name: 'progress', arguments: { steps: 1 } }, { onprogress: () => {} });
    await client.close();
    expect(
      await metric('toolhost_mcp_requests_total{method="tools/call",era="legacy",outcome="stream"}'),
    ).toBe(before + 1);
    // The stream closes once its last event is written; the gauge follows.
    let open = await metric('toolhost_open_streams{kind="response"}');
    for (let i = 0; i < 100 && open !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      open = await metric('toolhost_open_streams{kind="response"}');
    }
    // 0, not undefined: the series exists only once a stream was counted.
    expect(open).toBe(0);
  });
});
