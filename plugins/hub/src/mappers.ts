/** The Hub's JSON records → the client's result types. Pure functions, no I/O. */
import type {
  DatasetConfig,
  DatasetDetails,
  DatasetSummary,
  DocHit,
  Gated,
  ModelDetails,
  ModelSummary,
  PaperDetails,
  PaperSummary,
  SpaceHit,
  SpaceInfo,
} from './types';

type Json = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

/** A card field that may be one string or a list of them. */
export const asStringList = (value: unknown): string[] | undefined =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : undefined;

const nonEmpty = <T>(items: T[] | undefined): T[] | undefined => (items?.length ? items : undefined);

const isoDate = (value: unknown): string | undefined => {
  const text = str(value);
  return text && !Number.isNaN(Date.parse(text)) ? new Date(text).toISOString() : undefined;
};

/** The fields that are set: optional fields stay absent rather than `undefined`. */
export function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A model of `listModels`/`modelInfo` (with author and library_name expanded). */
export function toModelSummary(model: {
  name: string;
  author?: string;
  task?: string;
  library_name?: string;
  downloads: number;
  likes: number;
  private: boolean;
  gated: Gated;
  updatedAt: Date;
}): ModelSummary {
  return {
    id: model.name,
    ...defined({ author: str(model.author), task: str(model.task), library: str(model.library_name) }),
    downloads: model.downloads ?? 0,
    likes: model.likes ?? 0,
    private: model.private,
    gated: model.gated,
    lastModified: model.updatedAt.toISOString(),
  };
}

/** `modelInfo` with tags, createdAt, cardData and safetensors expanded. */
export function toModelDetails(
  model: Parameters<typeof toModelSummary>[0] & {
    tags?: string[];
    createdAt?: string | Date;
    cardData?: unknown;
    safetensors?: { total?: number };
  },
): ModelDetails {
  const card = obj(model.cardData);
  return {
    ...toModelSummary(model),
    tags: model.tags ?? [],
    ...defined({
      createdAt: model.createdAt ? new Date(model.createdAt).toISOString() : undefined,
      license: asStringList(card['license'])?.[0],
      languages: nonEmpty(asStringList(card['language'])),
      datasets: nonEmpty(asStringList(card['datasets'])),
      baseModels: nonEmpty(asStringList(card['base_model'])),
      parameters: model.safetensors?.total || undefined,
    }),
  };
}

/** A dataset of `listDatasets`/`datasetInfo` (with author, tags, description expanded). */
export function toDatasetSummary(dataset: {
  name: string;
  author?: string;
  downloads: number;
  likes: number;
  private: boolean;
  gated: Gated;
  updatedAt: Date;
  tags?: string[];
  description?: string;
}): DatasetSummary {
  return {
    id: dataset.name,
    downloads: dataset.downloads ?? 0,
    likes: dataset.likes ?? 0,
    private: dataset.private,
    gated: dataset.gated,
    lastModified: dataset.updatedAt.toISOString(),
    tags: dataset.tags ?? [],
    ...defined({ author: str(dataset.author), description: str(dataset.description?.trim()) }),
  };
}

/**
 * Configs and splits as the dataset card records them: `dataset_info` (one object or
 * one per config) has split sizes; `configs` names the data files per split.
 */
function datasetConfigs(card: Json): DatasetConfig[] {
  const configs = new Map<string, DatasetConfig>();
  const config = (name: string) => {
    const found = configs.get(name) ?? { name, splits: [] };
    configs.set(name, found);
    return found;
  };
  const infos = Array.isArray(card['dataset_info']) ? card['dataset_info'] : [card['dataset_info']];
  for (const info of infos.map(obj)) {
    const target = config(str(info['config_name']) ?? 'default');
    for (const split of Array.isArray(info['splits']) ? info['splits'].map(obj) : []) {
      const name = str(split['name']);
      if (!name || target.splits.some((s) => s.name === name)) continue;
      const examples = num(split['num_examples']);
      const bytes = num(split['num_bytes']);
      target.splits.push({
        name,
        ...(examples !== undefined && { examples }),
        ...(bytes !== undefined && { bytes }),
      });
    }
  }
  for (const entry of Array.isArray(card['configs']) ? card['configs'].map(obj) : []) {
    const name = str(entry['config_name']);
    if (!name) continue;
    const target = config(name);
    const files = Array.isArray(entry['data_files']) ? entry['data_files'].map(obj) : [];
    for (const file of files) {
      const split = str(file['split']);
      if (split && !target.splits.some((s) => s.name === split)) target.splits.push({ name: split });
    }
  }
  return [...configs.values()].filter((c) => c.splits.length > 0 || c.name !== 'default');
}

/** Sum a size over every `dataset_info` entry of the card. */
function datasetBytes(card: Json, field: 'dataset_size' | 'download_size'): number | undefined {
  const infos = (Array.isArray(card['dataset_info']) ? card['dataset_info'] : [card['dataset_info']]).map(
    obj,
  );
  const sizes = infos.map((info) => num(info[field])).filter((n): n is number => n !== undefined);
  return sizes.length ? sizes.reduce((a, b) => a + b, 0) : undefined;
}

export function toDatasetDetails(
  dataset: Parameters<typeof toDatasetSummary>[0] & { cardData?: unknown; createdAt?: string },
): DatasetDetails {
  const card = obj(dataset.cardData);
  const tags = dataset.tags ?? [];
  return {
    ...toDatasetSummary(dataset),
    ...defined({
      prettyName: str(card['pretty_name']),
      createdAt: isoDate(dataset.createdAt),
      license: asStringList(card['license'])?.[0],
      languages: nonEmpty(asStringList(card['language'])),
      taskCategories: nonEmpty(asStringList(card['task_categories'])),
      sizeCategory: asStringList(card['size_categories'])?.[0],
      datasetBytes: datasetBytes(card, 'dataset_size'),
      downloadBytes: datasetBytes(card, 'download_size'),
      arxivIds: nonEmpty(tags.filter((t) => t.startsWith('arxiv:')).map((t) => t.slice('arxiv:'.length))),
    }),
    configs: datasetConfigs(card),
  };
}

const hardwareOf = (runtime: Json): string | undefined => {
  const hardware = obj(runtime['hardware']);
  return str(hardware['current']) ?? str(hardware['requested']);
};

/** One result of `/api/spaces/semantic-search`. */
export function toSpaceHit(record: Json): SpaceHit {
  const runtime = obj(record['runtime']);
  const id = String(record['id']);
  return {
    id,
    author: str(record['author']) ?? id.split('/')[0]!,
    likes: num(record['likes']) ?? 0,
    ...defined({
      title: str(record['title']),
      emoji: str(record['emoji']),
      description: str(record['shortDescription']) ?? str(record['ai_short_description']),
      category: str(record['ai_category']),
      sdk: str(record['sdk']),
      stage: str(runtime['stage']),
      hardware: hardwareOf(runtime),
      relevance: num(record['semanticRelevancyScore']),
      lastModified: isoDate(record['lastModified']),
    }),
  };
}

/** One Space of the `/api/spaces` list (title, emoji and description are in its card there). */
export function toSpaceListing(record: Json): SpaceHit {
  const runtime = obj(record['runtime']);
  const card = obj(record['cardData']);
  const id = String(record['id']);
  return {
    id,
    author: str(record['author']) ?? id.split('/')[0]!,
    likes: num(record['likes']) ?? 0,
    ...defined({
      title: str(card['title']),
      emoji: str(card['emoji']),
      description: str(card['short_description']),
      sdk: str(record['sdk']) ?? str(card['sdk']),
      stage: str(runtime['stage']),
      hardware: hardwareOf(runtime),
      lastModified: isoDate(record['lastModified']),
    }),
  };
}

/** The full answer of `/api/spaces/{id}`. */
export function toSpaceInfo(record: Json): SpaceInfo {
  const runtime = obj(record['runtime']);
  const card = obj(record['cardData']);
  const tags = asStringList(record['tags']) ?? [];
  const id = String(record['id']);
  return {
    id,
    author: str(record['author']) ?? id.split('/')[0]!,
    likes: num(record['likes']) ?? 0,
    private: record['private'] === true,
    gated: record['gated'] === 'auto' || record['gated'] === 'manual' ? record['gated'] : false,
    mcpServer: tags.includes('mcp-server'),
    tags,
    ...defined({
      title: str(card['title']),
      emoji: str(card['emoji']),
      description: str(card['short_description']),
      sdk: str(record['sdk']) ?? str(card['sdk']),
      sdkVersion: str(card['sdk_version']),
      stage: str(runtime['stage']),
      hardware: hardwareOf(runtime),
      subdomain: str(record['subdomain']),
      host: str(record['host']),
      models: nonEmpty(asStringList(record['models'])),
      datasets: nonEmpty(asStringList(record['datasets'])),
      license: asStringList(card['license'])?.[0],
      createdAt: isoDate(record['createdAt']),
      lastModified: isoDate(record['lastModified']),
    }),
  };
}

/** Enough authors to name a paper; the Llama 3 paper has more than 500. */
const MAX_AUTHORS = 50;

/** A paper record: the `paper` of a search result, or the answer of `/api/papers/{id}`. */
export function toPaper(record: Json): PaperDetails {
  const authors = (Array.isArray(record['authors']) ? record['authors'].map(obj) : [])
    .map((a) => str(a['name']))
    .filter((name): name is string => name !== undefined);
  return {
    id: String(record['id']),
    title: (str(record['title']) ?? String(record['id'])).replace(/\s+/g, ' ').trim(),
    authors: authors.slice(0, MAX_AUTHORS),
    authorCount: authors.length,
    ...defined({
      summary: str(record['summary'])?.trim(),
      upvotes: num(record['upvotes']),
      publishedAt: isoDate(record['publishedAt']),
      keywords: nonEmpty(asStringList(record['ai_keywords'])),
      githubRepo: str(record['githubRepo']),
      aiSummary: str(record['ai_summary']),
      githubStars: num(record['githubStars']),
      projectPage: str(record['projectPage']),
      comments: num(record['numComments']),
    }),
  };
}

/** One result of `/api/papers/search`: the paper, plus the discussion count beside it. */
export function toPaperSummary(result: Json): PaperSummary {
  const {
    aiSummary: _a,
    githubStars: _g,
    projectPage: _p,
    comments: _c,
    ...summary
  } = toPaper(obj(result['paper']));
  return summary;
}

/** One result of `/api/docs/search`. */
export function toDocHit(record: Json): DocHit {
  return {
    product: str(record['product']) ?? 'docs',
    title: str(record['heading1']) ?? str(record['source_page_title']) ?? 'Untitled',
    ...defined({ section: str(record['heading2']) }),
    url: String(record['source_page_url'] ?? ''),
    text: String(record['text'] ?? ''),
  };
}
