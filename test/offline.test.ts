/**
 * The offline catalog through the real server: with HF_HUB_OFFLINE=1 the search and
 * details tools answer from it without a single request to the Hub; when the Hub
 * cannot be reached, search tools fall back to it and say so.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { blackHolePort, closedPort, hubPluginsManifest } from './src/hub-plugins';

type Result = {
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

const ids = (result: Result, key: string) =>
  (result.structuredContent![key] as { id: string }[]).map((item) => item.id);

describe('HF_HUB_OFFLINE=1', () => {
  let hub: HubEmulator;
  let toolhost: RunningToolhost;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as Result;

  beforeAll(async () => {
    // The emulator stands where the Hub would be, to prove that nothing asks it.
    hub = await startHubEmulator();
    toolhost = await startToolhost({ env: { HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: '1' } });
    client = await connectClient(toolhost.mcpUrl, {
      era: 'modern',
      token: 'hf_alice_test_token_000000000000',
    });
  });
  afterAll(async () => {
    expect(hub.requests).toEqual([]);
    await client?.close();
    await toolhost?.close();
    await hub?.close();
  });

  it('model_search for "whisper" finds openai/whisper-large-v3 in the catalog, and says where it came from', async () => {
    const result = await call('model_search', { query: 'whisper' });
    expect(result.isError).toBeUndefined();
    expect(ids(result, 'models')[0]).toBe('openai/whisper-large-v3');
    expect(result.structuredContent).toMatchObject({ source: 'catalog' });
    expect(result.structuredContent!['notice']).toMatch(
      /^Offline mode \(HF_HUB_OFFLINE=1\): answered from Toolhost's bundled catalog/,
    );
    expect((result.structuredContent!['models'] as Record<string, unknown>[])[0]).toEqual({
      id: 'openai/whisper-large-v3',
      url: `${hub.url}/openai/whisper-large-v3`,
      author: 'openai',
      task: 'automatic-speech-recognition',
      description: 'A powerful ASR model by OpenAI.',
    });
    const markdown = result.content[0]!.text;
    expect(markdown).toMatch(/^> Offline mode \(HF_HUB_OFFLINE=1\)/);
    expect(markdown).toContain('most relevant first');
    expect(markdown).toContain(`**[openai/whisper-large-v3](${hub.url}/openai/whisper-large-v3)**`);
  });

  it('ranks by relevance: a task named in the query beats alphabetical order', async () => {
    const result = await call('model_search', { query: 'speech recognition', limit: 5 });
    const tasks = (result.structuredContent!['models'] as { task?: string }[]).map((m) => m.task);
    expect(tasks[0]).toBe('automatic-speech-recognition');
  });

  it('filters by author and task in the catalog', async () => {
    const result = await call('model_search', { author: 'openai', task: 'automatic-speech-recognition' });
    expect(ids(result, 'models')).toEqual(['openai/whisper-large-v3']);
  });

  it('paper_search returns a matching curated paper', async () => {
    const result = await call('paper_search', { query: 'attention is all you need' });
    const papers = result.structuredContent!['papers'] as Record<string, unknown>[];
    expect(papers[0]).toMatchObject({
      id: '1706.03762',
      title: 'Attention Is All You Need',
      year: 2017,
      url: `${hub.url}/papers/1706.03762`,
      arxivUrl: 'https://arxiv.org/abs/1706.03762',
    });
    expect(papers[0]!['authors']).toContain('Ashish Vaswani');
    expect(result.structuredContent!['source']).toBe('catalog');
    // Names people search for work too: the Whisper paper by its model's name.
    const whisper = await call('paper_search', { query: 'whisper' });
    expect(ids(whisper, 'papers')[0]).toBe('2212.04356');
  });

  it('dataset_search and space_search answer from the catalog as well', async () => {
    const datasets = await call('dataset_search', { query: 'speech audio hours' });
    expect(datasets.structuredContent!['source']).toBe('catalog');
    expect(ids(datasets, 'datasets')).toContain('mozilla-foundation/common_voice_17_0');
    const spaces = await call('space_search', { query: 'whisper speech recognition' });
    expect(ids(spaces, 'spaces')[0]).toBe('hf-audio/whisper-large-v3');
    const mcp = await call('space_search', { query: 'whisper', mcp: true });
    expect(mcp.structuredContent!['spaces']).toEqual([]);
  });

  it('details tools answer for catalog repos and papers, and explain a miss', async () => {
    const model = await call('model_details', { repo_id: 'openai/whisper-large-v3' });
    expect(model.structuredContent).toMatchObject({
      id: 'openai/whisper-large-v3',
      task: 'automatic-speech-recognition',
      source: 'catalog',
    });
    expect(model.content[0]!.text).toContain('A powerful ASR model by OpenAI.');
    const paper = await call('paper_details', { arxiv_id: 'arXiv:1810.04805' });
    expect(paper.structuredContent).toMatchObject({ id: '1810.04805', year: 2018 });
    const repos = await call('hub_repo_details', {
      repo_ids: ['openai/whisper-large-v3', 'mozilla-foundation/common_voice_17_0', 'nobody/nothing'],
    });
    expect((repos.structuredContent!['repos'] as { type: string }[]).map((r) => r.type)).toEqual([
      'model',
      'dataset',
    ]);
    expect(repos.structuredContent!['missing']).toEqual(['nobody/nothing']);
    const miss = await call('dataset_details', { repo_id: 'nobody/nothing' });
    expect(miss.isError).toBe(true);
    expect(miss.content[0]!.text).toMatch(/^No dataset named nobody\/nothing in Toolhost's offline catalog/);
  });

  it('hub_repo_details says a miss is a miss of the offline catalog, an error when nothing was found', async () => {
    const miss = await call('hub_repo_details', { repo_ids: ['nobody/nothing'] });
    expect(miss.isError).toBe(true);
    expect(miss.content[0]!.text).toBe(
      "No model, dataset or Space named nobody/nothing in Toolhost's offline catalog, which holds only well-known repos and papers. Search it with the search tools, or connect to the Hub for everything else.",
    );
    const typed = await call('hub_repo_details', { repo_ids: ['datasets/nobody/nothing'] });
    expect(typed.isError).toBe(true);
    expect(typed.content[0]!.text).toMatch(/^No dataset named nobody\/nothing in Toolhost's offline catalog/);
    const several = await call('hub_repo_details', { repo_ids: ['nobody/nothing', 'nobody/else'] });
    expect(several.isError).toBe(true);
    expect(several.content[0]!.text).toMatch(
      /^No repos named nobody\/nothing, nobody\/else in Toolhost's offline catalog/,
    );
    // Some found, some not: the found ones are the answer, and the rest are named as catalog misses.
    const partial = await call('hub_repo_details', {
      repo_ids: ['openai/whisper-large-v3', 'nobody/nothing'],
    });
    expect(partial.isError).toBeUndefined();
    expect(partial.structuredContent!['missing']).toEqual(['nobody/nothing']);
    expect(partial.content[0]!.text).toContain(
      "Not in Toolhost's offline catalog, which holds only well-known repos: nobody/nothing.",
    );
    expect(partial.content[0]!.text).not.toContain('Not found on the Hub');
  });

  it('tools that need the live Hub say so', async () => {
    for (const [name, args] of [
      ['hf_whoami', {}],
      ['hf_doc_search', { query: 'spaces' }],
      ['hf_doc_fetch', { doc_url: 'https://huggingface.co/docs/hub/index' }],
    ] as const) {
      const result = await call(name, args);
      expect(result.isError, name).toBe(true);
      expect(result.content[0]!.text, name).toMatch(/^Toolhost is in offline mode \(HF_HUB_OFFLINE=1\)/);
    }
  });
});

describe('when the Hub cannot be reached', () => {
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
  });

  it('search tools answer from the catalog, labelled, within the timeout', async () => {
    const toolhost = await startToolhost({ env: { HF_ENDPOINT: `http://127.0.0.1:${port}` } });
    const client = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
    try {
      for (const [name, args, key, expected] of [
        ['model_search', { query: 'whisper' }, 'models', 'openai/whisper-large-v3'],
        ['dataset_search', { query: 'common voice' }, 'datasets', 'mozilla-foundation/common_voice_17_0'],
        ['space_search', { query: 'whisper' }, 'spaces', 'hf-audio/whisper-large-v3'],
        ['paper_search', { query: 'BERT' }, 'papers', '1810.04805'],
      ] as const) {
        const started = Date.now();
        const result = (await client.callTool({ name, arguments: args })) as Result;
        expect(Date.now() - started, name).toBeLessThan(10_000);
        expect(result.isError, name).toBeUndefined();
        expect(ids(result, key)[0], name).toBe(expected);
        expect(result.structuredContent!['source'], name).toBe('catalog');
        expect(result.structuredContent!['notice'], name).toBe(
          `The Hub at http://127.0.0.1:${port} could not be reached (ECONNREFUSED), so this answer comes from Toolhost's bundled offline catalog, which knows only well-known repos and papers.`,
        );
        expect(result.content[0]!.text, name).toMatch(
          /^> The Hub at http:\/\/127\.0\.0\.1:\d+ could not be reached/,
        );
      }
    } finally {
      await client.close();
      await toolhost.close();
    }
  });

  it('with fallback: none, a search fails with the reason instead', async () => {
    const toolhost = await startToolhost({
      manifest: hubPluginsManifest({ fallback: 'none' }),
      env: { HF_ENDPOINT: `http://127.0.0.1:${port}` },
    });
    const client = await connectClient(toolhost.mcpUrl, { era: 'modern' });
    try {
      const result = (await client.callTool({
        name: 'model_search',
        arguments: { query: 'whisper' },
      })) as Result;
      expect(result.isError).toBe(true);
      expect(result.content[0]!.text).toBe(
        `The Hugging Face Hub at http://127.0.0.1:${port} could not be reached (ECONNREFUSED). Try again later.`,
      );
    } finally {
      await client.close();
      await toolhost.close();
    }
  });

  it('a port fetch refuses to use (HF_ENDPOINT on port 9) is unreachable: the catalog answers, labelled', async () => {
    // Port 9 is on fetch's list of bad ports: it fails without a connection and without an error code.
    const toolhost = await startToolhost({ env: { HF_ENDPOINT: 'http://127.0.0.1:9' } });
    const client = await connectClient(toolhost.mcpUrl, { era: 'modern' });
    try {
      const search = (await client.callTool({
        name: 'model_search',
        arguments: { query: 'whisper' },
      })) as Result;
      expect(search.isError).toBeUndefined();
      expect(ids(search, 'models')[0]).toBe('openai/whisper-large-v3');
      expect(search.structuredContent!['source']).toBe('catalog');
      expect(search.structuredContent!['notice']).toBe(
        "The Hub at http://127.0.0.1:9 could not be reached (bad port), so this answer comes from Toolhost's bundled offline catalog, which knows only well-known repos and papers. Fetch never connects to port 9; set HF_ENDPOINT to another port.",
      );
      // A lookup has no catalog fallback: it says why, not "internal error".
      const details = (await client.callTool({
        name: 'hub_repo_details',
        arguments: { repo_ids: ['openai/whisper-large-v3'] },
      })) as Result;
      expect(details.isError).toBe(true);
      expect(details.content[0]!.text).toBe(
        'The Hugging Face Hub at http://127.0.0.1:9 could not be reached (bad port). Fetch never connects to port 9; set HF_ENDPOINT to another port.',
      );
    } finally {
      await client.close();
      await toolhost.close();
    }
  });

  it('a connection that is never accepted is unreachable too, not a slow answer', async () => {
    const blackHole = await blackHolePort();
    const endpoint = `http://127.0.0.1:${blackHole.port}`;
    let toolhost: RunningToolhost | undefined;
    let client: Client | undefined;
    try {
      toolhost = await startToolhost({
        manifest: hubPluginsManifest({ timeoutMs: 1_000, retries: 0 }),
        env: { HF_ENDPOINT: endpoint },
      });
      client = await connectClient(toolhost.mcpUrl, { era: 'modern' });
      const result = (await client.callTool({
        name: 'paper_search',
        arguments: { query: 'BERT' },
      })) as Result;
      expect(result.isError).toBeUndefined();
      expect(ids(result, 'papers')[0]).toBe('1810.04805');
      expect(result.structuredContent!['notice']).toBe(
        `The Hub at ${endpoint} could not be reached (UND_ERR_CONNECT_TIMEOUT), so this answer comes from Toolhost's bundled offline catalog, which knows only well-known repos and papers.`,
      );
    } finally {
      await client?.close();
      await toolhost?.close();
      blackHole.close();
    }
  });

  it('an HTTP error is not "unreachable": a 500 is reported, not answered from the catalog', async () => {
    const hub = await startHubEmulator();
    const toolhost = await startToolhost({
      manifest: hubPluginsManifest({ retries: 0 }),
      env: { HF_ENDPOINT: hub.url },
    });
    const client = await connectClient(toolhost.mcpUrl, { era: 'modern' });
    try {
      hub.failNext({ status: 500, pathPrefix: '/api/models' });
      const result = (await client.callTool({
        name: 'model_search',
        arguments: { query: 'whisper' },
      })) as Result;
      expect(result.isError).toBe(true);
      expect(result.content[0]!.text).toBe(
        'The Hugging Face Hub answered 500 for this request; try again later.',
      );
    } finally {
      await client.close();
      await toolhost.close();
      await hub.close();
    }
  });
});

/**
 * A Hub that answers, badly: the connection cut midway through the body, or a body
 * that is not JSON. That is not "unreachable" — the catalog must not stand in for a
 * Hub that is up — nor an internal error: the model is told the Hub answered badly
 * and to retry.
 */
describe('when the Hub answers badly', () => {
  let hub: HubEmulator;
  let toolhost: RunningToolhost;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as Result;
  const requestsTo = (prefix: string, since: number) =>
    hub.requests.slice(since).filter((r) => r.path.startsWith(prefix));

  beforeAll(async () => {
    hub = await startHubEmulator();
    toolhost = await startToolhost({
      manifest: hubPluginsManifest({ retries: 1, retryDelayMs: 10 }),
      env: { HF_ENDPOINT: hub.url },
    });
    client = await connectClient(toolhost.mcpUrl, { era: 'modern' });
  });
  afterAll(async () => {
    await client?.close();
    await toolhost?.close();
    await hub?.close();
  });

  it('a connection reset mid-body, on every attempt, is an error saying so, never a catalog answer', async () => {
    const before = hub.requests.length;
    hub.breakNext({ how: 'reset', pathPrefix: '/api/models', times: 2 });
    const result = await call('model_search', { query: 'whisper' });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toBe(
      `The Hugging Face Hub at ${hub.url} answered badly (the connection broke before the answer was complete). This is usually temporary: retry the call.`,
    );
    // Retried once (retries: 1) like a 5xx, then reported.
    expect(requestsTo('/api/models', before)).toHaveLength(2);
  });

  it('a reset that a retry gets past is not seen at all', async () => {
    const before = hub.requests.length;
    hub.breakNext({ how: 'reset', pathPrefix: '/api/spaces/' });
    const result = await call('space_details', { repo_id: 'evalstate/flux1_schnell' });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toMatchObject({ id: 'evalstate/flux1_schnell', source: 'hub' });
    expect(requestsTo('/api/spaces/', before)).toHaveLength(2);
  });

  it('a body that is not JSON is an error saying so, and the next call asks the Hub again', async () => {
    for (const [name, args, prefix] of [
      // Through @huggingface/hub, and through the client's own JSON requests.
      ['model_details', { repo_id: 'openai/whisper-large-v3' }, '/api/models/'],
      ['paper_details', { arxiv_id: '2404.04487' }, '/api/papers/'],
      ['dataset_search', { query: 'imdb' }, '/api/datasets'],
    ] as const) {
      const before = hub.requests.length;
      hub.breakNext({ how: 'invalid-json', pathPrefix: prefix });
      const broken = await call(name, args);
      expect(broken.isError, name).toBe(true);
      expect(broken.content[0]!.text, name).toBe(
        `The Hugging Face Hub at ${hub.url} answered badly (its answer was not valid JSON). This is usually temporary: retry the call.`,
      );
      // The broken answer was not kept in the cache: the retry the message asks for reaches the Hub.
      const retried = await call(name, args);
      expect(retried.isError, name).toBeUndefined();
      expect(retried.structuredContent!['source'], name).toBe('hub');
      expect(requestsTo(prefix, before), name).toHaveLength(2);
    }
  });
});
