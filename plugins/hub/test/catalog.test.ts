import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CatalogData, OfflineCatalog } from '../src/catalog/catalog';
import { CURATED_PAPERS } from '../src/catalog/papers';

const tiny = (models: CatalogData['models']): OfflineCatalog =>
  new OfflineCatalog({
    source: 'test',
    tasks: {
      'automatic-speech-recognition': 'Automatic Speech Recognition',
      'text-generation': 'Text Generation',
    },
    models,
    datasets: [],
    spaces: [],
    papers: CURATED_PAPERS,
  });

describe('catalog search ranks by relevance, not list order', () => {
  it('a match in the name beats the same word in a description earlier in the list', () => {
    const catalog = tiny([
      {
        id: 'acme/chatbot',
        description: 'Chats; can also call whisper for audio.',
        tasks: ['text-generation'],
      },
      { id: 'acme/other', description: 'Another model.', tasks: ['text-generation'] },
      {
        id: 'openai/whisper-tiny',
        description: 'A small ASR model.',
        tasks: ['automatic-speech-recognition'],
      },
    ]);
    expect(catalog.search('model', { query: 'whisper', limit: 5 }).map((r) => r.id)).toEqual([
      'openai/whisper-tiny',
      'acme/chatbot',
    ]);
  });

  it('a query that names a task brings that task first', () => {
    const catalog = tiny([
      {
        id: 'acme/speech-emotion-recognition',
        description: 'Recognises emotion in speech.',
        tasks: ['text-generation'],
      },
      { id: 'acme/asr-base', description: 'Transcribes audio.', tasks: ['automatic-speech-recognition'] },
    ]);
    expect(catalog.search('model', { query: 'speech recognition', limit: 5 })[0]!.id).toBe('acme/asr-base');
  });

  it('matches prefixes and forgives a typo', () => {
    const catalog = OfflineCatalog.bundled();
    expect(catalog.search('model', { query: 'whisp', limit: 3 })[0]!.id).toBe('openai/whisper-large-v3');
    expect(catalog.search('model', { query: 'wisper', limit: 3 })[0]!.id).toBe('openai/whisper-large-v3');
  });

  it('filters by author and task, with or without a query', () => {
    const catalog = OfflineCatalog.bundled();
    const openai = catalog.search('model', { author: 'OpenAI', limit: 50 });
    expect(openai.length).toBeGreaterThan(0);
    expect(openai.every((r) => r.author === 'openai')).toBe(true);
    const asr = catalog.search('dataset', {
      tasks: ['task_categories:automatic-speech-recognition'],
      limit: 50,
    });
    expect(asr.map((r) => r.id)).toContain('mozilla-foundation/common_voice_17_0');
    expect(asr.every((r) => r.tasks.includes('automatic-speech-recognition'))).toBe(true);
    expect(catalog.search('model', { query: 'whisper', tasks: ['text-to-image'], limit: 5 })).toEqual([]);
  });

  it('finds repos by id whatever the case, and papers by words, names or id', () => {
    const catalog = OfflineCatalog.bundled();
    expect(catalog.find('model', 'OpenAI/Whisper-Large-V3')?.id).toBe('openai/whisper-large-v3');
    expect(catalog.find('dataset', 'openai/whisper-large-v3')).toBeUndefined();
    expect(() => catalog.get('space', 'nobody/nothing')).toThrow(
      /^No space named nobody\/nothing in Toolhost's offline catalog/,
    );
    expect(catalog.searchPapers('low-rank adaptation', 3)[0]!.id).toBe('2106.09685');
    expect(catalog.searchPapers('Vaswani', 3)[0]!.id).toBe('1706.03762');
    expect(catalog.searchPapers('2212.04356', 3)[0]!.title).toBe(
      'Robust Speech Recognition via Large-Scale Weak Supervision',
    );
    expect(catalog.getPaper('1810.04805').year).toBe(2018);
  });
});

describe('the bundled data', () => {
  it('is what the generator makes from the installed @huggingface/tasks (run `npm run build -w @toolhost/plugin-hub` if not)', () => {
    const script = fileURLToPath(new URL('../scripts/build-catalog.mjs', import.meta.url));
    const fresh = execFileSync(process.execPath, [script, '--stdout'], { encoding: 'utf8' });
    const committed = readFileSync(new URL('../data/catalog.json', import.meta.url), 'utf8');
    expect(fresh).toBe(committed);
    const data = JSON.parse(committed) as CatalogData;
    expect(data.models.length).toBeGreaterThan(100);
    expect(data.datasets.length).toBeGreaterThan(50);
    expect(data.spaces.length).toBeGreaterThan(50);
  });

  it('curated papers have well-formed, unique arXiv ids, titles, authors and years', () => {
    const ids = CURATED_PAPERS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const paper of CURATED_PAPERS) {
      expect(paper.id).toMatch(/^\d{4}\.\d{4,5}$/);
      expect(paper.title.length).toBeGreaterThan(3);
      expect(paper.authors.length).toBeGreaterThan(0);
      // The id starts with the year and month it was submitted.
      expect(paper.year % 100, paper.id).toBe(Number(paper.id.slice(0, 2)));
    }
  });
});
