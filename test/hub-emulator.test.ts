/**
 * The Hub emulator itself: its answers have the shapes of the real Hub (the captured
 * responses in test/fixtures/hub and `@huggingface/hub`'s own parsers), and tests can
 * add Spaces and users, make it fail and slow it down.
 */
import { readFileSync } from 'node:fs';
import { datasetInfo, listDatasets, listSpaces, spaceInfo } from '@huggingface/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRepo, type HubEmulator, startHubEmulator } from './src/hub-emulator';

const realFixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`fixtures/hub/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >[];

const CAROL = {
  token: 'hf_carol_test_token_0000000000000',
  whoami: {
    type: 'user',
    id: '6500000000000000000000c3',
    name: 'carol',
    fullname: 'Carol Example',
    orgs: [],
  },
};

const carolsPrivateSpace: ApiRepo = {
  _id: '6690a1b2c3d4e5f6010000c3',
  id: 'carol/private-mcp-tool',
  author: 'carol',
  private: true,
  gated: false,
  sdk: 'gradio',
  subdomain: 'carol-private-mcp-tool',
  host: 'http://127.0.0.1:9/carol-private-mcp-tool',
  likes: 0,
  tags: ['gradio', 'mcp-server'],
  runtime: { stage: 'RUNNING', hardware: { current: 'cpu-basic', requested: 'cpu-basic' } },
  cardData: { title: 'Private MCP tool', emoji: '🔧', sdk: 'gradio' },
  lastModified: '2026-02-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
};

let hub: HubEmulator;
beforeAll(async () => {
  hub = await startHubEmulator({ add: { spaces: [carolsPrivateSpace], users: [CAROL] } });
});
afterAll(() => hub?.close());

const get = async (path: string, token?: string) => {
  const response = await fetch(
    `${hub.url}${path}`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  return { status: response.status, headers: response.headers, body: await response.json() };
};

describe('real shapes', () => {
  it('the semantic search answers like the real one (same fields as the captured response)', async () => {
    const real = realFixture('spaces-semantic-search.json').find((s) => s['id'] === 'ginipick/FLUXllama')!;
    const { body } = await get('/api/spaces/semantic-search?q=flux%20quantization');
    const ours = (body as Record<string, unknown>[]).find((s) => s['id'] === 'ginipick/FLUXllama')!;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
    for (const field of [
      'author',
      'emoji',
      'title',
      'shortDescription',
      'likes',
      'sdk',
      'runtime',
      'ai_category',
    ]) {
      expect(ours[field], field).toEqual(real[field]);
    }
    expect(ours['semanticRelevancyScore']).toBeGreaterThan(0);
  });

  it('papers are the captured records', async () => {
    const real = realFixture('papers-search.kazakh.json')[0]! as { paper: { id: string } };
    const { body } = await get(`/api/papers/${real.paper.id}`);
    expect(body).toEqual(real.paper);
  });

  it("@huggingface/hub's own parsers read the emulator's datasets and Spaces", async () => {
    const space = await spaceInfo({
      name: 'hf-audio/whisper-large-v3',
      hubUrl: hub.url,
      additionalFields: ['subdomain', 'runtime', 'tags', 'author'],
    });
    expect(space).toMatchObject({
      name: 'hf-audio/whisper-large-v3',
      sdk: 'gradio',
      subdomain: 'hf-audio-whisper-large-v3',
      runtime: { stage: 'RUNNING' },
    });
    const dataset = await datasetInfo({
      name: 'stanfordnlp/imdb',
      hubUrl: hub.url,
      additionalFields: ['cardData'],
    });
    expect(dataset.cardData?.pretty_name).toBe('IMDB');
    const datasets = [];
    for await (const d of listDatasets({ search: { owner: 'openai' }, hubUrl: hub.url }))
      datasets.push(d.name);
    expect(datasets).toEqual(['openai/gsm8k']);
    const spaces = [];
    for await (const s of listSpaces({ search: { tags: ['mcp-server'] }, hubUrl: hub.url }))
      spaces.push(s.name);
    expect(spaces).toContain('hf-audio/whisper-large-v3');
    expect(spaces).not.toContain('carol/private-mcp-tool');
  });

  it('/api/spaces/{id} has runtime stage, subdomain, host, SDK, privacy, likes and card data', async () => {
    const { body } = await get('/api/spaces/ginipick/FLUXllama');
    expect(body).toMatchObject({
      id: 'ginipick/FLUXllama',
      runtime: { stage: 'RUNNING', hardware: { current: 'zero-a10g' } },
      subdomain: 'ginipick-fluxllama',
      host: 'https://ginipick-fluxllama.hf.space',
      sdk: 'gradio',
      private: false,
      likes: 378,
      cardData: { title: 'FLUXllama', sdk: 'gradio' },
    });
    // Fields only the semantic search returns stay out of the details.
    expect(body).not.toHaveProperty('ai_short_description');
  });
});

describe('test data', () => {
  it('adds Spaces and users at start; a private Space shows only to its owner', async () => {
    expect((await get('/api/spaces/carol/private-mcp-tool')).status).toBe(404);
    const mine = await get('/api/spaces/carol/private-mcp-tool', CAROL.token);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ host: 'http://127.0.0.1:9/carol-private-mcp-tool', private: true });
    expect((await get('/api/whoami-v2', CAROL.token)).body).toMatchObject({ name: 'carol' });
    // The fixture users are still there.
    expect((await get('/api/whoami-v2', 'hf_alice_test_token_000000000000')).body).toMatchObject({
      name: 'alice',
    });
  });

  it('overrides a fixture Space by id', async () => {
    const sleeping = {
      ...hub.data.spaces.find((s) => s.id === 'ginipick/FLUXllama')!,
      runtime: { stage: 'SLEEPING' },
    };
    const other = await startHubEmulator({ add: { spaces: [sleeping] } });
    try {
      const response = await fetch(`${other.url}/api/spaces/ginipick/FLUXllama`);
      expect(await response.json()).toMatchObject({ runtime: { stage: 'SLEEPING' } });
      expect(other.data.spaces.filter((s) => s.id === 'ginipick/FLUXllama')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe('failures and slowness', () => {
  it('answers 401 to an unknown token and 404 to an unknown repo', async () => {
    expect((await get('/api/models/openai/whisper-small', 'hf_nobody')).status).toBe(401);
    expect((await get('/api/datasets/nobody/nothing')).status).toBe(404);
    expect((await get('/api/papers/0000.00000')).status).toBe(404);
  });

  it('fails the next matching requests on demand, with Retry-After', async () => {
    hub.failNext({ status: 429, retryAfter: 7, pathPrefix: '/api/papers', times: 2 });
    const first = await get('/api/papers/search?q=llama');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await get('/api/models')).status).toBe(200);
    expect((await get('/api/papers/search?q=llama')).status).toBe(429);
    expect((await get('/api/papers/search?q=llama')).status).toBe(200);
  });

  it('slows one endpoint down', async () => {
    hub.slow('/api/docs/search', 400);
    try {
      const started = Date.now();
      await get('/api/docs/search?q=spaces');
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    } finally {
      hub.slow('/api/docs/search', 0);
    }
  });
});
