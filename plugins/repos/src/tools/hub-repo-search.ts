import { defineTool, z } from '@toolhost/core';
import {
  type Answer,
  answerFields,
  format,
  type HubCall,
  type HubClient,
  hubService,
  type OfflineCatalog,
  type RepoKind,
  renderAnswer,
} from '@toolhost/plugin-hub';

const { clip, compactNumber, day, plural } = format;

const REPO_TYPES = ['model', 'dataset', 'space'] as const;
const SORTS = ['trendingScore', 'downloads', 'likes', 'createdAt', 'lastModified'] as const;
const LABELS: Record<RepoKind, string> = { model: 'Models', dataset: 'Datasets', space: 'Spaces' };

const repo = z.object({
  type: z.enum(REPO_TYPES),
  id: z.string(),
  url: z.string(),
  author: z.string().optional(),
  title: z.string().optional(),
  emoji: z.string().optional(),
  description: z.string().optional(),
  task: z.string().optional().describe('Models: pipeline tag'),
  library: z.string().optional().describe('Models: library'),
  sdk: z.string().optional().describe('Spaces: gradio, docker, static…'),
  stage: z.string().optional().describe('Spaces: RUNNING, SLEEPING…'),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  lastModified: z.string().optional(),
  private: z.boolean().optional(),
  gated: z.union([z.literal(false), z.enum(['auto', 'manual'])]).optional(),
});

type Repo = z.input<typeof repo>;

const output = z.object({
  repos: z.array(repo).describe('Grouped by type, in the order of repo_types'),
  repoTypes: z.array(z.enum(REPO_TYPES)),
  sort: z.enum(SORTS),
  ...answerFields,
});

const input = z.object({
  query: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Words to find in repo names, e.g. "whisper"; leave out to browse by sort'),
  repo_types: z
    .array(z.enum(REPO_TYPES))
    .min(1)
    .max(3)
    .default([...REPO_TYPES])
    .transform((types) => [...new Set(types)])
    .describe('Which kinds of repo to search; default all three'),
  author: z
    .string()
    .trim()
    .max(96)
    .optional()
    .describe('Only repos of this user or organization, e.g. "google"'),
  filters: z
    .array(z.string().trim().min(1).max(100))
    .max(10)
    .optional()
    .describe(
      'Hub tags every result must have, applied to each type, e.g. ["text-generation"], ["language:en"], ["mcp-server"]',
    ),
  sort: z
    .enum(SORTS)
    .default('trendingScore')
    .describe('Order within each type, most first (Spaces have no downloads: they sort by likes then)'),
  limit: z.number().int().min(1).max(50).default(10).describe('How many repos per type (1–50)'),
});

type Input = z.output<typeof input>;

export const hubRepoSearch = defineTool({
  name: 'hub_repo_search',
  title: 'Search Hub repos',
  description:
    'Search Hugging Face models, datasets and Spaces in one call, by keywords in their names, author and Hub tags. Choose the kinds with repo_types. Returns repo ids with links, grouped by type, with downloads, likes, task or SDK. For Spaces by what they do, use space_search.',
  input,
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler(args, ctx) {
    const { hub } = ctx.services;
    const answers = await Promise.all(args.repo_types.map((type) => searchType(hub, type, args, ctx)));
    // Live unless some type had to come from the catalog; that notice is the one the model must see.
    const fallback = answers.find((answer) => answer.info.source === 'catalog');
    return {
      repos: answers.flatMap((answer) => answer.value),
      repoTypes: args.repo_types,
      sort: args.sort,
      ...(fallback ? fallback.info : { source: 'hub' as const }),
    };
  },
  render,
});

/** One kind of repo, from the live Hub or (offline, unreachable) the bundled catalog. */
function searchType(hub: HubClient, type: RepoKind, args: Input, call: HubCall): Promise<Answer<Repo[]>> {
  const url = (id: string) => hub.repoUrl(id, type);
  const common = {
    ...(args.query && { query: args.query }),
    ...(args.author && { author: args.author }),
    ...(args.filters?.length && { tags: args.filters }),
    limit: args.limit,
  };
  return hub.answer<Repo[]>(call, 'search', {
    hub: async () => {
      if (type === 'model') {
        const models = await hub.searchModels({ ...common, sort: args.sort }, call);
        return models.map((model) => ({ type, ...model, url: url(model.id) }));
      }
      if (type === 'dataset') {
        const datasets = await hub.searchDatasets({ ...common, sort: args.sort }, call);
        return datasets.map(({ tags: _tags, description, ...dataset }) => ({
          type,
          ...dataset,
          url: url(dataset.id),
          ...(description && { description: clip(description, 300) }),
        }));
      }
      const sort = args.sort === 'downloads' ? 'likes' : args.sort;
      const spaces = await hub.listSpaces({ ...common, sort }, call);
      return spaces.map(({ category: _c, hardware: _h, relevance: _r, ...space }) => ({
        type,
        ...space,
        url: url(space.id),
      }));
    },
    // The catalog knows ids, descriptions and tasks: filters match its tasks.
    catalog: (catalog: OfflineCatalog) =>
      catalog
        .search(type, { ...common, ...(args.filters && { tasks: args.filters }) })
        .map(({ id, author, tasks, description }) => ({
          type,
          id,
          url: url(id),
          ...(author && { author }),
          ...(type === 'model' && tasks[0] && { task: tasks[0] }),
          description,
        })),
  });
}

function line(r: z.output<typeof repo>, index: number): string {
  const facts = [
    r.type === 'space' && r.title && r.title !== r.id.split('/')[1] ? r.title : undefined,
    r.task,
    r.library,
    r.sdk,
    r.stage,
    r.downloads !== undefined && `${compactNumber(r.downloads)} downloads`,
    r.likes !== undefined && `${compactNumber(r.likes)} likes`,
    r.lastModified && `updated ${day(r.lastModified)}`,
    r.description && clip(r.description, 160),
  ].filter(Boolean);
  const flags = [r.gated ? 'gated' : undefined, r.private ? 'private' : undefined].filter(Boolean);
  return `${index + 1}. ${r.emoji ? `${r.emoji} ` : ''}**[${r.id}](${r.url})**${facts.length ? ` — ${facts.join(' · ')}` : ''}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}

function render(out: z.output<typeof output>): string {
  if (out.repos.length === 0) {
    return renderAnswer(
      out,
      `No ${out.repoTypes.map((t) => LABELS[t].toLowerCase()).join(', ')} matched. Try fewer or broader keywords, or fewer filters.`,
    );
  }
  const order = out.source === 'hub' ? `sorted by ${out.sort}` : 'most relevant first';
  const sections = out.repoTypes.map((type) => {
    const found = out.repos.filter((r) => r.type === type);
    const kind = LABELS[type].toLowerCase().replace(/s$/, '');
    const heading = `## ${LABELS[type]} (${plural(found.length, kind)})`;
    return found.length === 0 ? `${heading}\n\nNone matched.` : [heading, '', ...found.map(line)].join('\n');
  });
  return renderAnswer(out, [`Hub repos (${order}):`, '', sections.join('\n\n')].join('\n'));
}
