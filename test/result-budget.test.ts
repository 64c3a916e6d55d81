/**
 * Size budgets of the Hub tool plugins: each one's `maxTokens` keeps its results
 * small, with a notice that says what was left out, and hf_doc_fetch pages long
 * documents. The plugins run in the real kernel with a real SDK client
 * (`@toolhost/testing`), against the Hub emulator.
 */
import datasets from '@toolhost/plugin-datasets';
import docs from '@toolhost/plugin-docs';
import hubPlugin from '@toolhost/plugin-hub';
import models from '@toolhost/plugin-models';
import papers from '@toolhost/plugin-papers';
import spaces from '@toolhost/plugin-spaces';
import { startTestKernel, type TestKernel } from '@toolhost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubEmulator, startHubEmulator } from './src/hub-emulator';

type Result = {
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

const MAX_TOKENS = 500;
/** What a client may put in context: the markdown and the structured JSON. */
const size = (result: Result) =>
  result.content[0]!.text.length + JSON.stringify(result.structuredContent).length;

let hub: HubEmulator;
let tight: TestKernel;
let wide: TestKernel;

/** The default manifest's Hub plugins, each tool plugin with this budget. */
const withBudget = (maxTokens: number) =>
  startTestKernel({
    plugins: [
      { plugin: hubPlugin, config: { maxTokens } },
      ...[models, datasets, spaces, papers, docs].map((plugin) => ({ plugin, config: { maxTokens } })),
    ],
    env: { HF_ENDPOINT: hub.url },
    era: 'modern',
  });

beforeAll(async () => {
  hub = await startHubEmulator();
  tight = await withBudget(MAX_TOKENS);
  wide = await withBudget(100_000);
});
afterAll(async () => {
  await tight?.close();
  await wide?.close();
  await hub?.close();
});

const call = async (kernel: TestKernel, name: string, args: Record<string, unknown>) =>
  (await kernel.callTool(name, args)) as Result;

describe('a small maxTokens', () => {
  it('shows fewer search results, the best first, and says so', async () => {
    const full = await call(wide, 'model_search', { sort: 'downloads', limit: 100 });
    const fitted = await call(tight, 'model_search', { sort: 'downloads', limit: 100 });
    const all = full.structuredContent!['models'] as { id: string }[];
    const shown = fitted.structuredContent!['models'] as { id: string }[];
    expect(full.structuredContent).not.toHaveProperty('truncated');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(all.length);
    expect(shown.map((m) => m.id)).toEqual(all.slice(0, shown.length).map((m) => m.id));
    expect(size(fitted)).toBeLessThanOrEqual(MAX_TOKENS * 4);
    const notice = `Showing ${shown.length} of ${all.length} results to stay within this tool's budget of 500 tokens; ask for fewer (limit) or narrow the query to see others.`;
    expect(fitted.structuredContent!['truncated']).toBe(notice);
    expect(fitted.content[0]!.text.endsWith(`_${notice}_`)).toBe(true);
  });

  it('shortens a long record (533 authors, a long abstract) and says so', async () => {
    const full = await call(wide, 'paper_details', { arxiv_id: '2407.21783' });
    const fitted = await call(tight, 'paper_details', { arxiv_id: '2407.21783' });
    expect(size(full)).toBeGreaterThan(MAX_TOKENS * 4);
    expect(size(fitted)).toBeLessThanOrEqual(MAX_TOKENS * 4);
    expect(fitted.structuredContent).toMatchObject({ id: '2407.21783', url: `${hub.url}/papers/2407.21783` });
    expect(fitted.structuredContent!['truncated']).toMatch(
      /Long fields were shortened to stay within this tool's budget of 500 tokens/,
    );
    expect(fitted.content[0]!.text).toMatch(/_Long fields were shortened[^_]*_$/);
  });

  it('applies per plugin: each tool plugin has its own budget', async () => {
    for (const [name, args] of [
      ['dataset_search', { limit: 100 }],
      ['space_search', { query: 'image generation flux', limit: 100 }],
      ['paper_search', { query: 'llama models language', limit: 100 }],
      ['hf_doc_search', { query: 'spaces hub token pipeline' }],
      [
        'hub_repo_details',
        { repo_ids: ['openai/whisper-large-v3', 'openai/whisper-small', 'stanfordnlp/imdb', 'openai/gsm8k'] },
      ],
    ] as const) {
      const result = await call(tight, name, args);
      expect(result.isError, name).toBeUndefined();
      expect(size(result), name).toBeLessThanOrEqual(MAX_TOKENS * 4);
      expect(result.structuredContent!['truncated'], name).toMatch(/budget of 500 tokens/);
    }
  });
});

describe('hf_doc_fetch pages', () => {
  it('reads a long page part by part: offsets continue where the last part ended', async () => {
    const url = 'https://huggingface.co/docs/hub/spaces-overview';
    const whole = await call(wide, 'hf_doc_fetch', { doc_url: url });
    const document = whole.structuredContent!['content'] as string;
    expect(whole.structuredContent).not.toHaveProperty('nextOffset');
    expect(document).toContain('END OF SPACES OVERVIEW');

    const parts: string[] = [];
    let offset = 0;
    for (let guard = 0; guard < 50; guard++) {
      const part = await call(tight, 'hf_doc_fetch', { doc_url: url, offset });
      expect(part.isError).toBeUndefined();
      expect(size(part)).toBeLessThanOrEqual(MAX_TOKENS * 4);
      parts.push(part.structuredContent!['content'] as string);
      const next = part.structuredContent!['nextOffset'] as number | undefined;
      if (next === undefined) {
        expect(part.content[0]!.text).toMatch(/_End of document \(characters [\d,]+–[\d,]+ of [\d,]+\)\._$/);
        break;
      }
      expect(part.content[0]!.text).toContain(`call hf_doc_fetch with offset=${next} to read on`);
      offset = next;
    }
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join('')).toBe(document);
  });

  it('says when the offset is past the end', async () => {
    const result = await call(tight, 'hf_doc_fetch', {
      doc_url: '/docs/hub/repositories',
      offset: 1_000_000,
    });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(
      /^offset 1000000 is past the end of this document \([\d,]+ characters\); start from offset 0\.$/,
    );
  });
});
