/**
 * hub_repo_search (plugin `repos`): one search across models, datasets and Spaces,
 * called through a real SDK client over HTTP against the Hub emulator, and offline
 * against the bundled catalog.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

const ALICE = 'hf_alice_test_token_000000000000';

type Repo = { type: string; id: string; url: string; likes?: number; title?: string; sdk?: string };
type Result = {
  content: { type: string; text: string }[];
  structuredContent?: { repos: Repo[]; source: string; notice?: string; repoTypes: string[] };
  isError?: boolean;
};

let hub: HubEmulator;
let toolhost: RunningToolhost;
let client: Client;

const call = async (args: Record<string, unknown>, on: Client = client) =>
  (await on.callTool({ name: 'hub_repo_search', arguments: args })) as Result;
const text = (result: Result) => result.content.map((c) => c.text).join('\n');
const ids = (result: Result, type?: string) =>
  result.structuredContent!.repos.filter((r) => !type || r.type === type).map((r) => r.id);

beforeAll(async () => {
  hub = await startHubEmulator();
  // The built-in default manifest loads the repos plugin.
  toolhost = await startToolhost({ env: { HF_ENDPOINT: hub.url } });
  client = await connectClient(toolhost.mcpUrl, { era: 'modern', token: ALICE });
});
afterAll(async () => {
  await client?.close();
  await toolhost?.close();
  await hub?.close();
});

describe('hub_repo_search', () => {
  it('searches all three kinds by default, grouped by type, with links of each kind', async () => {
    const before = hub.requests.length;
    const result = await call({ query: 'whisper' });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent!.repoTypes).toEqual(['model', 'dataset', 'space']);
    expect(ids(result, 'model')).toEqual(
      expect.arrayContaining(['openai/whisper-large-v3', 'openai/whisper-small']),
    );
    expect(ids(result, 'dataset')).toEqual([]);
    expect(ids(result, 'space')).toEqual(['hf-audio/whisper-large-v3']);
    const space = result.structuredContent!.repos.find((r) => r.type === 'space')!;
    expect(space).toMatchObject({
      url: `${hub.url}/spaces/hf-audio/whisper-large-v3`,
      title: 'Whisper Large V3',
      sdk: 'gradio',
    });
    const model = result.structuredContent!.repos.find((r) => r.id === 'openai/whisper-small')!;
    expect(model.url).toBe(`${hub.url}/openai/whisper-small`);
    // Models first, then datasets, then Spaces: the order of repo_types.
    const types = result.structuredContent!.repos.map((r) => r.type);
    expect(types).toEqual(
      [...types].sort(
        (a, b) => ['model', 'dataset', 'space'].indexOf(a) - ['model', 'dataset', 'space'].indexOf(b),
      ),
    );
    // One Hub list request per kind, each with the query and the caller's token.
    const asked = hub.requests.slice(before).filter((r) => /^\/api\/(models|datasets|spaces)$/.test(r.path));
    expect(asked.map((r) => r.path).sort()).toEqual(['/api/datasets', '/api/models', '/api/spaces']);
    for (const request of asked) {
      expect(request.query.get('search')).toBe('whisper');
      expect(request.authorization).toBe(`Bearer ${ALICE}`);
    }
    expect(text(result)).toContain('## Datasets (0 datasets)');
    expect(text(result)).toContain('[hf-audio/whisper-large-v3]');
  });

  it('applies type, author, tag filters and sort to each kind', async () => {
    const byAuthor = await call({ author: 'openai', repo_types: ['model', 'dataset'] });
    expect(ids(byAuthor, 'model').sort()).toEqual(['openai/whisper-large-v3', 'openai/whisper-small']);
    expect(ids(byAuthor, 'dataset')).toEqual(['openai/gsm8k']);
    expect(ids(byAuthor, 'space')).toEqual([]);

    const before = hub.requests.length;
    const mcp = await call({ repo_types: ['space'], filters: ['mcp-server'], sort: 'likes' });
    const found = ids(mcp);
    expect(found[0]).toBe('hf-audio/whisper-large-v3');
    expect(found).not.toContain('black-forest-labs/FLUX.1-schnell'); // not tagged mcp-server
    const likes = mcp.structuredContent!.repos.map((r) => r.likes!);
    expect(likes).toEqual([...likes].sort((a, b) => b - a));
    const asked = hub.requests.slice(before).find((r) => r.path === '/api/spaces')!;
    expect(asked.query.getAll('filter')).toEqual(['mcp-server']);
    expect(asked.query.get('sort')).toBe('likes');

    // Spaces have no downloads: asked by likes instead, models keep downloads.
    const mark = hub.requests.length;
    await call({ query: 'flux', sort: 'downloads', repo_types: ['model', 'space'] });
    const sorts = hub.requests
      .slice(mark)
      .filter((r) => r.path === '/api/models' || r.path === '/api/spaces')
      .map((r) => [r.path, r.query.get('sort')]);
    expect(sorts.sort()).toEqual([
      ['/api/models', 'downloads'],
      ['/api/spaces', 'likes'],
    ]);
  });

  it('keeps each kind to limit', async () => {
    const result = await call({ limit: 2 });
    for (const type of ['model', 'dataset', 'space']) expect(ids(result, type).length).toBeLessThanOrEqual(2);
    expect(ids(result, 'model')).toHaveLength(2);
  });

  it('refuses bad arguments with a message naming the field', async () => {
    for (const [args, message] of [
      [{ repo_types: [] }, /repo_types/],
      [{ repo_types: ['paper'] }, /repo_types/],
      [{ limit: 0 }, /limit/],
    ] as const) {
      const result = await call(args);
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(message);
    }
  });

  it('fails clearly when the Hub fails', async () => {
    hub.failNext({ status: 500, pathPrefix: '/api/datasets', times: 10 });
    const result = await call({ query: 'imdb', repo_types: ['dataset'] });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Hub/);
    expect(text(result)).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});

describe('hub_repo_search offline', () => {
  it('answers from the bundled catalog and says so', async () => {
    const offline = await startToolhost({
      manifest: {
        plugins: [
          { use: '@toolhost/plugin-hub', config: { offline: true } },
          { use: '@toolhost/plugin-repos' },
        ],
      },
    });
    const before = hub.requests.length;
    try {
      const offlineClient = await connectClient(offline.mcpUrl, { era: 'legacy' });
      const result = await call({ query: 'whisper', repo_types: ['model'] }, offlineClient);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent!.source).toBe('catalog');
      expect(result.structuredContent!.notice).toMatch(/Offline mode/);
      expect(ids(result, 'model').some((id) => id.includes('whisper'))).toBe(true);
      expect(text(result)).toMatch(/^> Offline mode/);
      await offlineClient.close();
    } finally {
      await offline.close();
    }
    expect(hub.requests.length).toBe(before);
  });
});
