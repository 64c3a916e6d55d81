import { z } from '@toolhost/core';

/** Hub repo ids: `name` or `owner/name`, letters, digits, `-`, `_`, `.`; at most 96 characters each side. */
export const REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}(\/[\w.-]{1,96})?$/;

/** The `repo_id` argument of the details tools. */
export const repoId = z
  .string()
  .trim()
  .min(1, 'repo_id must not be empty')
  .max(200)
  .regex(REPO_ID, 'repo_id must look like "owner/name", e.g. "openai/whisper-large-v3"');

/** A repo the caller named: `owner/name`, `datasets/owner/name`, or a Hub URL. */
export interface RepoRef {
  /** Known when the reference says it (a `datasets/` or `spaces/` prefix). */
  kind?: 'model' | 'dataset' | 'space';
  id: string;
}

const KIND_PREFIXES = { models: 'model', datasets: 'dataset', spaces: 'space' } as const;

/**
 * Read a repo reference: "openai/whisper-large-v3", "datasets/stanfordnlp/imdb",
 * "https://huggingface.co/spaces/owner/app/tree/main". Undefined when it names no repo.
 */
export function parseRepoRef(text: string): RepoRef | undefined {
  let path = text.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  const segments = path.split('/').filter(Boolean);
  const prefix = KIND_PREFIXES[segments[0] as keyof typeof KIND_PREFIXES];
  if (prefix) segments.shift();
  const id = segments.slice(0, 2).join('/');
  if (!REPO_ID.test(id)) return undefined;
  return prefix ? { kind: prefix, id } : { id };
}
