import { describe, expect, it } from 'vitest';
import { parseRepoRef } from '../src/repo-id';

describe('repo references', () => {
  it.each([
    ['openai/whisper-large-v3', { id: 'openai/whisper-large-v3' }],
    ['gpt2', { id: 'gpt2' }],
    ['datasets/stanfordnlp/imdb', { kind: 'dataset', id: 'stanfordnlp/imdb' }],
    ['spaces/hf-audio/whisper-large-v3', { kind: 'space', id: 'hf-audio/whisper-large-v3' }],
    ['models/openai/whisper-small', { kind: 'model', id: 'openai/whisper-small' }],
    ['https://huggingface.co/openai/whisper-large-v3/tree/main', { id: 'openai/whisper-large-v3' }],
    ['https://huggingface.co/datasets/openai/gsm8k/viewer', { kind: 'dataset', id: 'openai/gsm8k' }],
    ['  /spaces/carol/app  ', { kind: 'space', id: 'carol/app' }],
  ])('%s', (text, expected) => {
    expect(parseRepoRef(text)).toEqual(expected);
  });

  it.each(['', 'datasets/', 'not a repo', 'https://', 'a/b c'])('refuses %j', (text) => {
    expect(parseRepoRef(text)).toBeUndefined();
  });
});
