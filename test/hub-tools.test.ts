/**
 * Every Hub capability tool of the default manifest, called through a real SDK client
 * over HTTP against the Hub emulator: listed, answering with the emulator's data and
 * links, refusing bad arguments clearly, and naming what a 404 did not find.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { DEFAULT_TOOLS } from './src/hub-plugins';

const ALICE = 'hf_alice_test_token_000000000000';

type Result = {
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

let hub: HubEmulator;
let toolhost: RunningToolhost;
let client: Client;

const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as Result;
const text = (result: Result) => result.content.map((c) => c.text).join('\n');

beforeAll(async () => {
  hub = await startHubEmulator();
  toolhost = await startToolhost({ env: { HF_ENDPOINT: hub.url } });
  client = await connectClient(toolhost.mcpUrl, { era: 'modern', token: ALICE });
});
afterAll(async () => {
  await client?.close();
  await toolhost?.close();
  await hub?.close();
});

describe('the default manifest', () => {
  it('lists every Hub tool with an output schema and read-only hints', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(DEFAULT_TOOLS);
    // generate_image and dynamic_space answer with a Space's content, not structured data.
    for (const tool of tools.filter((t) => !['generate_image', 'dynamic_space'].includes(t.name))) {
      expect(tool.outputSchema, tool.name).toMatchObject({ type: 'object' });
      expect(tool.annotations, tool.name).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    }
  });
});

describe('datasets', () => {
  it('dataset_search returns the Hub datasets with links, forwarding the query and tags', async () => {
    const result = await call('dataset_search', {
      query: 'imdb',
      tags: ['task_categories:text-classification'],
      sort: 'downloads',
    });
    expect(result.isError).toBeUndefined();
    const datasets = result.structuredContent!['datasets'] as {
      id: string;
      url: string;
      downloads: number;
    }[];
    expect(datasets.map((d) => d.id)).toEqual(['stanfordnlp/imdb', 'dave/imdb-sentiment-small']);
    expect(datasets[0]).toMatchObject({ url: `${hub.url}/datasets/stanfordnlp/imdb`, downloads: 301244 });
    expect(result.structuredContent!['source']).toBe('hub');
    expect(text(result)).toContain(
      `**[stanfordnlp/imdb](${hub.url}/datasets/stanfordnlp/imdb)** — 301.2k downloads`,
    );
    const request = hub.requests.findLast((r) => r.path === '/api/datasets')!;
    expect(request.query.get('search')).toBe('imdb');
    expect(request.query.getAll('filter')).toEqual(['task_categories:text-classification']);
    expect(request.query.get('sort')).toBe('downloads');
  });

  it('dataset_search shows private datasets only to their owner (the token is forwarded)', async () => {
    const mine = await call('dataset_search', { author: 'acme-ml' });
    expect((mine.structuredContent!['datasets'] as { id: string }[]).map((d) => d.id)).toEqual([
      'acme-ml/support-tickets',
    ]);
    const anonymous = await connectClient(toolhost.mcpUrl, { era: 'legacy' });
    const theirs = (await anonymous.callTool({
      name: 'dataset_search',
      arguments: { author: 'acme-ml' },
    })) as Result;
    expect(theirs.structuredContent!['datasets']).toEqual([]);
    expect(text(theirs)).toMatch(/No datasets matched/);
    await anonymous.close();
  });

  it('dataset_details gives the card summary, size, configs and splits', async () => {
    const result = await call('dataset_details', { repo_id: 'openai/gsm8k' });
    expect(result.structuredContent).toMatchObject({
      id: 'openai/gsm8k',
      url: `${hub.url}/datasets/openai/gsm8k`,
      prettyName: 'Grade School Math 8K',
      license: 'mit',
      sizeCategory: '1K<n<10K',
      arxivIds: ['2110.14168'],
      configs: [
        {
          name: 'main',
          splits: [
            { name: 'train', examples: 7473, bytes: 3963202 },
            { name: 'test', examples: 1319, bytes: 713732 },
          ],
        },
        {
          name: 'socratic',
          splits: [
            { name: 'train', examples: 7473 },
            { name: 'test', examples: 1319 },
          ],
        },
      ],
    });
    const markdown = text(result);
    expect(markdown).toContain(`# [Grade School Math 8K](${hub.url}/datasets/openai/gsm8k)`);
    expect(markdown).toContain('- **main**: train (7,473 rows, 4.0 MB), test (1,319 rows, 713.7 kB)');
    expect(markdown).toContain('- **Size:** 1K<n<10K, 10.8 MB of data');
    expect(markdown).toContain('[2110.14168](https://arxiv.org/abs/2110.14168)');
  });

  it('dataset_details reads splits from data_files when the card has no sizes', async () => {
    const result = await call('dataset_details', { repo_id: 'HuggingFaceFW/fineweb' });
    expect(result.structuredContent!['configs']).toEqual([
      { name: 'default', splits: [{ name: 'train' }] },
      { name: 'sample-10BT', splits: [{ name: 'train' }] },
      { name: 'CC-MAIN-2024-10', splits: [{ name: 'train' }] },
    ]);
  });
});

describe('spaces', () => {
  it('space_search asks the semantic search and returns Spaces with links and relevance', async () => {
    const result = await call('space_search', { query: 'transcribe speech', limit: 5 });
    const spaces = result.structuredContent!['spaces'] as Record<string, unknown>[];
    expect(spaces[0]).toMatchObject({
      id: 'hf-audio/whisper-large-v3',
      url: `${hub.url}/spaces/hf-audio/whisper-large-v3`,
      title: 'Whisper Large V3',
      sdk: 'gradio',
      stage: 'RUNNING',
      hardware: 'a10g-small',
      likes: 1210,
    });
    expect(text(result)).toContain(
      `1. 🤫 **[Whisper Large V3](${hub.url}/spaces/hf-audio/whisper-large-v3)** (\`hf-audio/whisper-large-v3\`)`,
    );
    const request = hub.requests.findLast((r) => r.path === '/api/spaces/semantic-search')!;
    expect(request.query.get('q')).toBe('transcribe speech');
    expect(request.query.has('filter')).toBe(false);
  });

  it('space_search with mcp: true keeps only Spaces that serve MCP', async () => {
    const all = await call('space_search', { query: 'generate images' });
    const ids = (r: Result) => (r.structuredContent!['spaces'] as { id: string }[]).map((s) => s.id);
    expect(ids(all)).toContain('black-forest-labs/FLUX.1-schnell');
    const mcp = await call('space_search', { query: 'generate images', mcp: true });
    expect(ids(mcp).length).toBeGreaterThan(0);
    expect(ids(mcp)).not.toContain('black-forest-labs/FLUX.1-schnell');
    expect(hub.requests.findLast((r) => r.path === '/api/spaces/semantic-search')!.query.get('filter')).toBe(
      'mcp-server',
    );
  });

  it('space_details gives SDK, hardware, status, subdomain, the app link and the MCP endpoint', async () => {
    const result = await call('space_details', { repo_id: 'hf-audio/whisper-large-v3' });
    expect(result.structuredContent).toMatchObject({
      id: 'hf-audio/whisper-large-v3',
      url: `${hub.url}/spaces/hf-audio/whisper-large-v3`,
      sdk: 'gradio',
      stage: 'RUNNING',
      hardware: 'a10g-small',
      likes: 1210,
      subdomain: 'hf-audio-whisper-large-v3',
      appUrl: 'https://hf-audio-whisper-large-v3.hf.space',
      mcpServer: true,
      mcpUrl: 'https://hf-audio-whisper-large-v3.hf.space/gradio_api/mcp/',
      models: ['openai/whisper-large-v3'],
    });
    expect(text(result)).toContain('- **Status:** RUNNING');
    expect(text(result)).toContain('- **Hardware:** a10g-small');
  });

  it('space_details reports a sleeping Space, and shows a private one only to its owner', async () => {
    const sleeping = await call('space_details', { repo_id: 'carol/sleepy-docker-app' });
    expect(sleeping.structuredContent).toMatchObject({
      sdk: 'docker',
      stage: 'SLEEPING',
      hardware: 'cpu-basic',
    });
    expect(sleeping.structuredContent).not.toHaveProperty('mcpUrl');
    const mine = await call('space_details', { repo_id: 'acme-ml/internal-tagger' });
    expect(mine.structuredContent).toMatchObject({ private: true, stage: 'RUNNING' });
    const anonymous = await connectClient(toolhost.mcpUrl, { era: 'modern' });
    const theirs = (await anonymous.callTool({
      name: 'space_details',
      arguments: { repo_id: 'acme-ml/internal-tagger' },
    })) as Result;
    expect(theirs.isError).toBe(true);
    expect(text(theirs)).toBe(
      'No space named acme-ml/internal-tagger on the Hugging Face Hub (or it is private).',
    );
    await anonymous.close();
  });
});

describe('papers', () => {
  it('paper_search returns papers with authors, arXiv ids, summaries, upvotes and links', async () => {
    const three = await call('paper_search', { query: 'kazakh', limit: 3 });
    expect(three.structuredContent!['papers']).toHaveLength(3);
    const result = await call('paper_search', { query: 'KazQAD' });
    const papers = result.structuredContent!['papers'] as Record<string, unknown>[];
    expect(papers[0]).toMatchObject({
      id: '2404.04487',
      title: 'KazQAD: Kazakh Open-Domain Question Answering Dataset',
      url: `${hub.url}/papers/2404.04487`,
      arxivUrl: 'https://arxiv.org/abs/2404.04487',
      authors: [
        'Rustem Yeshpanov',
        'Pavel Efimov',
        'Leonid Boytsov',
        'Ardak Shalkarbayuli',
        'Pavel Braslavski',
      ],
      upvotes: 1,
    });
    expect(papers[0]!['summary']).toMatch(/^We introduce KazQAD/);
    expect(text(result)).toContain(
      `1. **[KazQAD: Kazakh Open-Domain Question Answering Dataset](${hub.url}/papers/2404.04487)**`,
    );
    const request = hub.requests.findLast((r) => r.path === '/api/papers/search')!;
    expect(request.query.get('q')).toBe('KazQAD');
  });

  it('paper_details takes an arXiv id or link and lists a long author list in part', async () => {
    const result = await call('paper_details', { arxiv_id: 'https://arxiv.org/abs/2407.21783v3' });
    expect(result.isError).toBeUndefined();
    const paper = result.structuredContent!;
    expect(paper).toMatchObject({ id: '2407.21783', title: 'The Llama 3 Herd of Models', authorCount: 533 });
    expect((paper['authors'] as string[]).slice(0, 2)).toEqual(['Abhimanyu Dubey', 'Abhinav Jauhri']);
    expect(text(result)).toContain('and 513 more');
    expect(hub.requests.findLast((r) => r.path.startsWith('/api/papers/'))!.path).toBe(
      '/api/papers/2407.21783',
    );
  });
});

describe('docs', () => {
  it('hf_doc_search groups excerpts by product and page, with links to fetch', async () => {
    const result = await call('hf_doc_search', { query: 'spaces hardware', product: 'hub' });
    const results = result.structuredContent!['results'] as { url: string; product: string }[];
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.product === 'hub')).toBe(true);
    expect(text(result)).toContain(`### [Spaces Overview](${hub.url}/docs/hub/spaces-overview)`);
    expect(text(result)).toContain('**Hardware resources** — Each Space is hosted on hardware you pick.');
    const request = hub.requests.findLast((r) => r.path === '/api/docs/search')!;
    expect(request.query.get('product')).toBe('hub');
  });

  it('hf_doc_fetch turns a docs page into markdown without the site chrome', async () => {
    // A huggingface.co docs URL is fetched from the configured Hub endpoint (here, the emulator).
    const result = await call('hf_doc_fetch', { doc_url: 'https://huggingface.co/docs/hub/repositories' });
    expect(result.isError).toBeUndefined();
    const markdown = result.structuredContent!['content'] as string;
    expect(result.structuredContent).toMatchObject({ title: 'Repositories', offset: 0 });
    expect(result.structuredContent).not.toHaveProperty('nextOffset');
    expect(markdown).toMatch(/^# Repositories\n/);
    expect(markdown).toContain('## Getting started');
    expect(markdown).toContain('```bash\ngit clone https://huggingface.co/openai/whisper-large-v3\n```');
    expect(markdown).toContain('[Git repositories](https://git-scm.com/about)');
    for (const chrome of ['hubConfig', 'Subscribe', 'Hub documentation', 'svg', '](#repositories)']) {
      expect(markdown).not.toContain(chrome);
    }
    expect(hub.requests.findLast((r) => r.path.startsWith('/docs/'))!.headers.accept).toMatch(
      /^text\/markdown/,
    );
  });

  it('hf_doc_fetch passes markdown pages through', async () => {
    const result = await call('hf_doc_fetch', { doc_url: '/docs/transformers/pipeline_tutorial' });
    expect(result.structuredContent).toMatchObject({ title: 'Pipelines for inference' });
    expect(result.structuredContent!['content']).toContain('```py\nfrom transformers import pipeline');
  });

  it('hf_doc_fetch refuses URLs outside the Hugging Face docs', async () => {
    for (const [url, message] of [
      ['https://example.com/docs/hub/index', /example\.com is not a Hugging Face docs host/],
      ['https://huggingface.co/api/whoami-v2', /path must start with \/docs\//],
      ['https://huggingface.co/docs/../api/whoami-v2', /path must start with \/docs\//],
      ['file:///etc/passwd', /file: is not a Hugging Face docs host/],
    ] as const) {
      const result = await call('hf_doc_fetch', { doc_url: url });
      expect(result.isError, url).toBe(true);
      expect(text(result), url).toMatch(message);
    }
  });

  it('hf_doc_fetch names a missing page', async () => {
    const result = await call('hf_doc_fetch', { doc_url: 'https://huggingface.co/docs/hub/no-such-page' });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(
      `No documentation page named ${hub.url}/docs/hub/no-such-page on the Hugging Face Hub (or it is private).`,
    );
  });
});

describe('hub_repo_details', () => {
  it('detects the type of each repo and answers for all of them at once', async () => {
    const result = await call('hub_repo_details', {
      repo_ids: [
        'openai/whisper-large-v3',
        'stanfordnlp/imdb',
        `${hub.url}/spaces/carol/sleepy-docker-app`,
        'nobody/nothing',
      ],
    });
    expect(result.isError).toBeUndefined();
    const repos = result.structuredContent!['repos'] as Record<string, unknown>[];
    expect(repos.map((r) => [r['type'], r['id'], r['url']])).toEqual([
      ['model', 'openai/whisper-large-v3', `${hub.url}/openai/whisper-large-v3`],
      ['dataset', 'stanfordnlp/imdb', `${hub.url}/datasets/stanfordnlp/imdb`],
      ['space', 'carol/sleepy-docker-app', `${hub.url}/spaces/carol/sleepy-docker-app`],
    ]);
    expect(repos[0]).toMatchObject({
      task: 'automatic-speech-recognition',
      downloads: 4213377,
      private: false,
      gated: false,
    });
    expect(text(result)).toContain('- **Access:** public');
    expect(repos[2]).toMatchObject({ sdk: 'docker', stage: 'SLEEPING' });
    expect(result.structuredContent!['missing']).toEqual(['nobody/nothing']);
    expect(text(result)).toContain(`## [stanfordnlp/imdb](${hub.url}/datasets/stanfordnlp/imdb) (dataset)`);
    expect(text(result)).toContain('Not found on the Hub (or private): nobody/nothing.');
  });

  it('asks only for the type a prefix or repo_type names', async () => {
    const before = hub.requests.length;
    const result = await call('hub_repo_details', {
      repo_ids: ['datasets/rajpurkar/squad', 'ginipick/FLUXllama'],
      repo_type: 'space',
    });
    expect((result.structuredContent!['repos'] as { type: string }[]).map((r) => r.type)).toEqual([
      'dataset',
      'space',
    ]);
    expect(
      hub.requests
        .slice(before)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/api/datasets/rajpurkar/squad/revision/HEAD', '/api/spaces/ginipick/FLUXllama']);
  });
});

describe('bad input gives a clear validation error, a 404 names the repo', () => {
  it.each([
    ['model_search', { limit: 0 }, /limit: /],
    ['model_search', { limit: 1000 }, /limit: /],
    ['dataset_search', { limit: 0 }, /limit: /],
    ['dataset_search', { limit: 1000 }, /limit: /],
    ['space_search', { query: 'x', limit: 1000 }, /limit: /],
    ['space_search', { query: '' }, /query: query must not be empty/],
    ['paper_search', { query: 'llama', limit: 0 }, /limit: /],
    ['model_details', { repo_id: '' }, /repo_id: repo_id must not be empty/],
    ['dataset_details', { repo_id: '  ' }, /repo_id: repo_id must not be empty/],
    ['space_details', { repo_id: '' }, /repo_id: repo_id must not be empty/],
    ['dataset_details', { repo_id: 'not a repo!' }, /repo_id must look like "owner\/name"/],
    ['paper_details', { arxiv_id: '' }, /arxiv_id: arxiv_id must not be empty/],
    ['paper_details', { arxiv_id: 'attention' }, /arxiv_id must be an arXiv id/],
    ['hub_repo_details', { repo_ids: [] }, /repo_ids: give at least one repo id/],
    ['hub_repo_details', { repo_ids: [''] }, /repo_ids\.0: a repo id must not be empty/],
    ['hf_doc_search', { query: 'x' }, /query: query needs at least 2 characters/],
    ['hf_doc_fetch', { doc_url: '' }, /doc_url: doc_url must not be empty/],
    ['hf_doc_fetch', { doc_url: '/docs/hub/index', offset: -1 }, /offset: /],
  ])('%s %j', async (name, args, message) => {
    const result = await call(name, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(new RegExp(`^Input validation error: Invalid arguments for tool ${name}: `));
    expect(text(result)).toMatch(message);
  });

  it.each([
    ['model_details', { repo_id: 'nobody/nothing' }, 'No model named nobody/nothing'],
    ['dataset_details', { repo_id: 'nobody/nothing' }, 'No dataset named nobody/nothing'],
    ['space_details', { repo_id: 'nobody/nothing' }, 'No space named nobody/nothing'],
    ['paper_details', { arxiv_id: '9999.99999' }, 'No paper named 9999.99999'],
  ])('%s names the missing %j', async (name, args, message) => {
    const result = await call(name, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(`${message} on the Hugging Face Hub (or it is private).`);
  });
});
