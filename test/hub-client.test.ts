/**
 * The `hub` service's HTTP behaviour, seen from outside: tools called through a real
 * SDK client, the Hub emulator counting what reaches it. Retries honour Retry-After,
 * the cache spares the Hub, timeouts and the concurrency limit hold, tokens are
 * forwarded per caller and never logged.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, memoryLogger, postMcp, type RunningToolhost, startToolhost } from './src/helpers';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';
import { hubPluginsManifest } from './src/hub-plugins';

const ALICE = 'hf_alice_test_token_000000000000';
const BOB = 'hf_bob_test_token_00000000000000';

type Result = {
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
};

let hub: HubEmulator;
const running: RunningToolhost[] = [];

beforeAll(async () => {
  hub = await startHubEmulator();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.close()));
});
afterAll(() => hub?.close());

/** A Toolhost with the Hub plugins, the hub plugin configured with `hubConfig`. */
async function toolhost(hubConfig: Record<string, unknown> = {}, logger?: ReturnType<typeof memoryLogger>) {
  const started = await startToolhost({
    manifest: hubPluginsManifest(hubConfig),
    env: { HF_ENDPOINT: hub.url },
    ...(logger && { logger: logger.logger }),
  });
  running.push(started);
  return started;
}

async function caller(server: RunningToolhost, token?: string) {
  const client = await connectClient(server.mcpUrl, { era: 'modern', ...(token && { token }) });
  return {
    call: async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as Result,
    close: () => client.close(),
  };
}

/** Requests the emulator received from `since` on, to paths starting with `prefix`. */
const requestsTo = (prefix: string, since: number) =>
  hub.requests.slice(since).filter((r) => r.path.startsWith(prefix));

describe('retries', () => {
  it('retries a 429 after the Retry-After the Hub sent, then answers', async () => {
    const { call, close } = await caller(await toolhost({ retries: 2, retryDelayMs: 50 }));
    const before = hub.requests.length;
    hub.failNext({ status: 429, retryAfter: 1, pathPrefix: '/api/models' });
    const result = await call('model_search', { query: 'whisper', sort: 'likes' });
    expect(result.isError).toBeUndefined();
    expect((result.structuredContent!['models'] as unknown[]).length).toBe(3);
    const attempts = requestsTo('/api/models', before);
    expect(attempts).toHaveLength(2);
    // Retry-After: 1 means the second attempt waited about a second, not the 50 ms backoff.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    await close();
  });

  it('reports a Retry-After longer than maxRetryWaitMs at once: "retry in N s"', async () => {
    const { call, close } = await caller(await toolhost({ retries: 2, maxRetryWaitMs: 5_000 }));
    const before = hub.requests.length;
    hub.failNext({ status: 429, retryAfter: 120, pathPrefix: '/api/models' });
    const started = Date.now();
    const result = await call('model_details', { repo_id: 'openai/whisper-small' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toBe(
      'The Hugging Face Hub rate-limited this request (429); retry in 120 s.',
    );
    expect(result._meta).toMatchObject({ retryAfterSeconds: 120 });
    expect(requestsTo('/api/models', before)).toHaveLength(1);
    await close();
  });

  it('retries 5xx with backoff, and names the status once retries run out', async () => {
    const { call, close } = await caller(await toolhost({ retries: 2, retryDelayMs: 20, cacheTtlMs: 0 }));
    let before = hub.requests.length;
    hub.failNext({ status: 503, pathPrefix: '/api/datasets', times: 2 });
    const recovered = await call('dataset_details', { repo_id: 'stanfordnlp/imdb' });
    expect(recovered.isError).toBeUndefined();
    expect(requestsTo('/api/datasets', before)).toHaveLength(3);

    before = hub.requests.length;
    hub.failNext({ status: 500, pathPrefix: '/api/datasets', times: 3 });
    const failed = await call('dataset_details', { repo_id: 'stanfordnlp/imdb' });
    expect(failed.isError).toBe(true);
    expect(failed.content[0]!.text).toBe(
      'The Hugging Face Hub answered 500 for dataset stanfordnlp/imdb; try again later.',
    );
    expect(requestsTo('/api/datasets', before)).toHaveLength(3);
    await close();
  });

  it('does not retry a 404 or a 401', async () => {
    // The token passed Toolhost's own check, then the Hub refuses it (revoked in between, say).
    const { call, close } = await caller(await toolhost({ retries: 3 }), ALICE);
    hub.failNext({ status: 401, pathPrefix: '/api/spaces' });
    const before = hub.requests.length;
    const rejected = await call('space_details', { repo_id: 'ginipick/FLUXllama' });
    expect(rejected.isError).toBe(true);
    expect(rejected.content[0]!.text).toMatch(/^The Hugging Face Hub rejected the token \(401\)/);
    expect(requestsTo('/api/spaces', before)).toHaveLength(1);
    await close();
  });
});

describe('the response cache', () => {
  it('answers a second identical call without reaching the Hub', async () => {
    const { call, close } = await caller(await toolhost(), ALICE);
    const before = hub.requests.length;
    const first = await call('model_details', { repo_id: 'openai/whisper-large-v3' });
    const second = await call('model_details', { repo_id: 'openai/whisper-large-v3' });
    expect(second.structuredContent).toEqual(first.structuredContent);
    expect(requestsTo('/api/models/openai/whisper-large-v3', before)).toHaveLength(1);
    // A different question is not the same request.
    await call('model_details', { repo_id: 'openai/whisper-small' });
    expect(requestsTo('/api/models/', before)).toHaveLength(2);
    await close();
  });

  it('keeps callers apart: another token is another cache entry', async () => {
    const server = await toolhost();
    const alice = await caller(server, ALICE);
    const bob = await caller(server, BOB);
    const before = hub.requests.length;
    await alice.call('dataset_search', { author: 'acme-ml' });
    const bobs = await bob.call('dataset_search', { author: 'acme-ml' });
    // Bob is not in acme-ml: he must not see the private dataset Alice's answer held.
    expect(bobs.structuredContent!['datasets']).toEqual([]);
    expect(requestsTo('/api/datasets', before).map((r) => r.authorization)).toEqual([
      `Bearer ${ALICE}`,
      `Bearer ${BOB}`,
    ]);
    await alice.close();
    await bob.close();
  });

  it('forgets answers after cacheTtlMs, and caches nothing at 0', async () => {
    // A TTL long enough for two calls on a busy machine, short enough to wait out.
    const { call, close } = await caller(await toolhost({ cacheTtlMs: 1_500 }));
    const before = hub.requests.length;
    await call('paper_details', { arxiv_id: '2404.04487' });
    await call('paper_details', { arxiv_id: '2404.04487' });
    expect(requestsTo('/api/papers/', before)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await call('paper_details', { arxiv_id: '2404.04487' });
    expect(requestsTo('/api/papers/', before)).toHaveLength(2);
    await close();

    const uncached = await caller(await toolhost({ cacheTtlMs: 0 }));
    const since = hub.requests.length;
    await uncached.call('paper_details', { arxiv_id: '2404.04487' });
    await uncached.call('paper_details', { arxiv_id: '2404.04487' });
    expect(requestsTo('/api/papers/', since)).toHaveLength(2);
    await uncached.close();
  });

  it('never caches hf_whoami, so a revoked token shows at once', async () => {
    const { call, close } = await caller(await toolhost(), ALICE);
    const before = hub.requests.length;
    await call('hf_whoami', {});
    await call('hf_whoami', {});
    expect(requestsTo('/api/whoami-v2', before)).toHaveLength(2);
    await close();
  });
});

describe('timeouts and the concurrency limit', () => {
  it('gives up on a slow endpoint after timeoutMs with an error that says so', async () => {
    const { call, close } = await caller(await toolhost({ timeoutMs: 300, retries: 0 }));
    hub.slow('/api/spaces/', 5_000);
    const started = Date.now();
    const result = await call('space_details', { repo_id: 'evalstate/flux1_schnell' });
    hub.slow('/api/spaces/', 0);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toBe(
      'The Hugging Face Hub did not answer within 0.3 s; try again later.',
    );
    await close();
  });

  it('keeps at most maxConcurrency requests in flight to the Hub', async () => {
    const peakWith = async (maxConcurrency: number) => {
      const { call, close } = await caller(await toolhost({ maxConcurrency, cacheTtlMs: 0 }));
      // Each answer takes long enough that six calls sent together overlap, even on a busy machine.
      hub.slow('/api/models', 600);
      hub.resetPeak();
      const queries = ['whisper', 'llama', 'bert', 'gpt', 'flux', 'qwen'];
      const results = await Promise.all(queries.map((query) => call('model_search', { query })));
      expect(results.every((r) => r.isError === undefined)).toBe(true);
      hub.slow('/api/models', 0);
      await close();
      return hub.peakInFlight;
    };
    expect(await peakWith(2)).toBe(2);
    // The same load without a tight limit does overlap more: the limit is what held it at 2.
    expect(await peakWith(16)).toBeGreaterThan(2);
  });
});

describe('pagination', () => {
  it('follows the Link header when the Hub pages a list', async () => {
    const paged = await startHubEmulator({ pageSize: 2 });
    try {
      const server = await startToolhost({ env: { HF_ENDPOINT: paged.url } });
      running.push(server);
      const { call, close } = await caller(server);
      const result = await call('model_search', { sort: 'downloads', limit: 5 });
      const pages = paged.requests.filter((r) => r.path === '/api/models');
      expect(pages).toHaveLength(3);
      expect(pages.map((p) => p.query.has('cursor'))).toEqual([false, true, true]);
      const expected = [...paged.data.models]
        .sort((a, b) => (b['downloads'] as number) - (a['downloads'] as number))
        .slice(0, 5)
        .map((m) => m.id);
      expect((result.structuredContent!['models'] as { id: string }[]).map((m) => m.id)).toEqual(expected);
      await close();
    } finally {
      await paged.close();
    }
  });
});

describe('tokens', () => {
  it("forwards each caller's token on every Hub request and never logs it", async () => {
    const log = memoryLogger('debug');
    const server = await toolhost({ cacheTtlMs: 0 }, log);
    const { call, close } = await caller(server, ALICE);
    const calls: [string, Record<string, unknown>][] = [
      ['model_search', { query: 'whisper' }],
      ['model_details', { repo_id: 'openai/whisper-large-v3' }],
      ['dataset_search', { query: 'imdb' }],
      ['dataset_details', { repo_id: 'stanfordnlp/imdb' }],
      ['space_search', { query: 'generate images' }],
      ['space_details', { repo_id: 'ginipick/FLUXllama' }],
      ['paper_search', { query: 'kazakh' }],
      ['paper_details', { arxiv_id: '2404.04487' }],
      ['hf_doc_search', { query: 'spaces' }],
      ['hf_doc_fetch', { doc_url: 'https://huggingface.co/docs/hub/repositories' }],
      ['hub_repo_details', { repo_ids: ['openai/whisper-small'] }],
      ['hf_whoami', {}],
    ];
    for (const [name, args] of calls) {
      const before = hub.requests.length;
      const result = await call(name, args);
      expect(result.isError, `${name}: ${result.content[0]?.text}`).toBeUndefined();
      const sent = hub.requests.slice(before);
      expect(sent.length, name).toBeGreaterThan(0);
      for (const request of sent)
        expect(request.authorization, `${name} ${request.path}`).toBe(`Bearer ${ALICE}`);
    }
    await close();

    // A rejected token is named in no log line or error either: it is refused at the door.
    const intruder = await postMcp(server.mcpUrl, undefined, {
      authorization: 'Bearer hf_stolen_token_0000000000000000',
    });
    expect(intruder.status).toBe(401);
    expect(await intruder.text()).not.toContain('hf_stolen');
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.join('\n')).not.toMatch(/hf_alice_test_token|hf_stolen_token/);
  });

  it('sends no token for an anonymous caller', async () => {
    const { call, close } = await caller(await toolhost({ cacheTtlMs: 0 }));
    const before = hub.requests.length;
    await call('model_search', { query: 'whisper' });
    expect(requestsTo('/api/models', before).map((r) => r.authorization)).toEqual([undefined]);
    await close();
  });
});
