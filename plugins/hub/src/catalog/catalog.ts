import { ToolError } from '@toolhost/core';
import MiniSearch, { type SearchOptions } from 'minisearch';
import bundled from '../../data/catalog.json';
import type { RepoKind } from '../types';
import { CURATED_PAPERS, type CuratedPaper } from './papers';

/** One repo as data/catalog.json lists it (generated from @huggingface/tasks). */
export interface CatalogEntry {
  id: string;
  description: string;
  /** Task ids it is an example for, e.g. "automatic-speech-recognition". */
  tasks: string[];
}

export interface CatalogData {
  /** Where the repos came from, e.g. "@huggingface/tasks@0.21.54". */
  source: string;
  /** Task id → label. */
  tasks: Record<string, string>;
  models: CatalogEntry[];
  datasets: CatalogEntry[];
  spaces: CatalogEntry[];
  papers: readonly CuratedPaper[];
}

export interface CatalogRepo extends CatalogEntry {
  kind: RepoKind;
  author?: string;
}

export type CatalogPaper = CuratedPaper;

export interface CatalogQuery {
  query?: string;
  author?: string;
  /** Every one must be among the repo's tasks (`task_categories:` prefixes are ignored). */
  tasks?: string[];
  limit: number;
}

const KIND_LIST = { model: 'models', dataset: 'datasets', space: 'spaces' } as const;

/*
 * Relevance, not list order: MiniSearch scores each field with BM25 and these
 * boosts, so a query word in a repo's name outweighs the same word in a
 * description. Prefix matching lets "whisp" find whisper; light fuzziness on longer
 * words forgives a typo.
 */
const SEARCH_OPTIONS: SearchOptions = {
  prefix: (term) => term.length >= 3,
  fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
  combineWith: 'OR',
};
const REPO_BOOSTS = { name: 4, id: 3, author: 2, tags: 2, description: 1 };
const TASK_BOOST = 4;
const PAPER_BOOSTS = { aka: 4, title: 3, authors: 2, id: 2 };

const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
const authorOf = (id: string): string | undefined => (id.includes('/') ? id.split('/')[0] : undefined);
const nameOf = (id: string): string => id.split('/').pop() ?? id;
const normaliseTask = (tag: string): string => tag.replace(/^(task_categories|pipeline_tag|task):/, '');

/**
 * The offline catalog: well-known models, datasets and Spaces (the examples
 * `@huggingface/tasks` ships for each task) and curated papers, searchable without
 * the Hub. Indexes are built on first use; most servers never need them.
 */
export class OfflineCatalog {
  private readonly repoIndexes = new Map<RepoKind, MiniSearch>();
  private paperIndex: MiniSearch | undefined;

  constructor(readonly data: CatalogData) {}

  /** The catalog bundled with this package. */
  static bundled(): OfflineCatalog {
    return new OfflineCatalog({ ...(bundled as Omit<CatalogData, 'papers'>), papers: CURATED_PAPERS });
  }

  get source(): string {
    return this.data.source;
  }

  search(kind: RepoKind, query: CatalogQuery): CatalogRepo[] {
    const entries = this.data[KIND_LIST[kind]];
    const wanted = query.tasks?.map(normaliseTask) ?? [];
    const author = query.author?.toLowerCase();
    const matches = (entry: CatalogEntry) =>
      (!author || authorOf(entry.id)?.toLowerCase() === author) &&
      wanted.every((task) => entry.tasks.includes(task));
    const text = query.query?.trim();
    const named = text ? this.tasksNamedBy(text) : new Set<string>();
    const found = text
      ? this.repoIndex(kind)
          .search(text, {
            boost: REPO_BOOSTS,
            // "speech recognition" names a task: its repos outrank ones that merely share a word.
            boostDocument: (key) =>
              entries[key as number]!.tasks.some((t) => named.has(t)) ? TASK_BOOST : 1,
            filter: (result) => matches(entries[result.id as number]!),
          })
          .map((result) => entries[result.id as number]!)
      : entries.filter(matches);
    return found.slice(0, query.limit).map((entry) => this.repo(kind, entry));
  }

  /** A repo by exact id (case-insensitive, as the Hub resolves ids). */
  find(kind: RepoKind, id: string): CatalogRepo | undefined {
    const lower = id.toLowerCase();
    const entry = this.data[KIND_LIST[kind]].find((e) => e.id.toLowerCase() === lower);
    return entry && this.repo(kind, entry);
  }

  /** Like `find`, but a miss is an error that tells the model what the catalog is. */
  get(kind: RepoKind, id: string): CatalogRepo {
    const found = this.find(kind, id);
    if (!found) throw notInCatalog(`${kind} named ${id}`);
    return found;
  }

  searchPapers(query: string, limit: number): CatalogPaper[] {
    const papers = this.data.papers;
    this.paperIndex ??= index(
      ['id', 'title', 'authors', 'aka'],
      papers.map((p) => ({
        id: p.id,
        title: p.title,
        authors: p.authors.join(' '),
        aka: p.aka?.join(' ') ?? '',
      })),
    );
    return this.paperIndex
      .search(query, { boost: PAPER_BOOSTS })
      .slice(0, limit)
      .map((result) => papers[result.id as number]!);
  }

  getPaper(id: string): CatalogPaper {
    const found = this.data.papers.find((p) => p.id === id);
    if (!found) throw notInCatalog(`paper with arXiv id ${id}`);
    return found;
  }

  /** Tasks whose id or label holds every word of the query: "speech recognition" → automatic-speech-recognition. */
  private tasksNamedBy(query: string): Set<string> {
    const words = tokens(query);
    return new Set(
      Object.entries(this.data.tasks)
        .filter(([id, label]) => {
          const names = new Set([...tokens(id), ...tokens(label)]);
          return words.length > 0 && words.every((word) => names.has(word));
        })
        .map(([id]) => id),
    );
  }

  /** Task id → its label, e.g. "automatic-speech-recognition" → "Automatic Speech Recognition". */
  taskLabel(task: string): string {
    return this.data.tasks[task] ?? task;
  }

  private repo(kind: RepoKind, entry: CatalogEntry): CatalogRepo {
    const author = authorOf(entry.id);
    return { kind, ...entry, ...(author && { author }) };
  }

  private repoIndex(kind: RepoKind): MiniSearch {
    let found = this.repoIndexes.get(kind);
    if (!found) {
      found = index(
        ['id', 'name', 'author', 'tags', 'description'],
        this.data[KIND_LIST[kind]].map((entry) => ({
          id: entry.id,
          name: nameOf(entry.id),
          author: authorOf(entry.id) ?? '',
          tags: entry.tasks.flatMap((task) => [task, this.taskLabel(task)]).join(' '),
          description: entry.description,
        })),
      );
      this.repoIndexes.set(kind, found);
    }
    return found;
  }
}

/** A miss in the catalog, as an error that tells the model what the catalog is: "No {what} in Toolhost's offline catalog…". */
export const notInCatalog = (what: string) =>
  new ToolError(
    `No ${what} in Toolhost's offline catalog, which holds only well-known repos and papers. Search it with the search tools, or connect to the Hub for everything else.`,
  );

/** A MiniSearch index over `documents`, keyed by their position in the list. */
function index(fields: string[], documents: Record<string, string>[]): MiniSearch {
  const search = new MiniSearch({ idField: 'key', fields, searchOptions: SEARCH_OPTIONS });
  search.addAll(documents.map((document, key) => ({ key, ...document })));
  return search;
}
