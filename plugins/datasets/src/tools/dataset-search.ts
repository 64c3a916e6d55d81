import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer } from '@toolhost/plugin-hub';
import { datasetSummary, telling } from '../schemas';

const { clip, compactNumber, day, plural } = format;

const SORTS = ['trendingScore', 'downloads', 'likes', 'createdAt', 'lastModified'] as const;

const output = z.object({
  datasets: z.array(datasetSummary),
  sort: z.enum(SORTS),
  ...answerFields,
});

export const datasetSearch = defineTool({
  name: 'dataset_search',
  title: 'Search datasets',
  description:
    'Find datasets on the Hugging Face Hub by keywords, author or tags (e.g. "task_categories:text-classification", "language:en", "size_categories:1K<n<10K"). Returns dataset ids with links, a short description, downloads, likes and tags.',
  input: z.object({
    query: z.string().trim().max(200).optional().describe('Words to find in dataset names, e.g. "imdb"'),
    author: z
      .string()
      .trim()
      .max(96)
      .optional()
      .describe('Only datasets of this user or organization, e.g. "HuggingFaceFW"'),
    tags: z
      .array(z.string().trim().min(1).max(100))
      .max(10)
      .optional()
      .describe('Every tag must match, e.g. ["task_categories:text-classification", "language:en"]'),
    sort: z.enum(SORTS).default('trendingScore').describe('Order of results, most first'),
    limit: z.number().int().min(1).max(100).default(20).describe('How many datasets to return (1–100)'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler(input, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<z.input<typeof datasetSummary>[]>(ctx, 'search', {
      hub: async () =>
        (await hub.searchDatasets(input, ctx)).map(({ description, tags, ...dataset }) => ({
          ...dataset,
          url: hub.repoUrl(dataset.id, 'dataset'),
          ...(description && { description: clip(description, 300) }),
          tags: telling(tags).slice(0, 15),
        })),
      catalog: (catalog) =>
        catalog
          .search('dataset', { ...input, ...(input.tags && { tasks: input.tags }) })
          .map(({ id, author, tasks, description }) => ({
            id,
            url: hub.repoUrl(id, 'dataset'),
            ...(author && { author }),
            description,
            tags: tasks.map((task) => `task_categories:${task}`),
          })),
    });
    return { datasets: answer.value, sort: input.sort, ...answer.info };
  },
  render,
});

function render(out: z.output<typeof output>): string {
  if (out.datasets.length === 0) {
    return renderAnswer(out, 'No datasets matched. Try fewer or broader keywords, or fewer tags.');
  }
  const lines = out.datasets.map((d, i) => {
    const facts = [
      d.downloads !== undefined && `${compactNumber(d.downloads)} downloads`,
      d.likes !== undefined && `${compactNumber(d.likes)} likes`,
      d.lastModified && `updated ${day(d.lastModified)}`,
      d.gated && 'gated',
      d.private && 'private',
    ].filter(Boolean);
    const about = [
      d.description && clip(d.description, 200),
      d.tags.length && `Tags: ${d.tags.slice(0, 8).join(', ')}`,
    ]
      .filter(Boolean)
      .map((line) => `   ${line}`);
    return [
      `${i + 1}. **[${d.id}](${d.url})**${facts.length ? ` — ${facts.join(' · ')}` : ''}`,
      ...about,
    ].join('\n');
  });
  const order = out.source === 'hub' ? `sorted by ${out.sort}` : 'most relevant first';
  return renderAnswer(
    out,
    [`Found ${plural(out.datasets.length, 'dataset')} (${order}):`, '', ...lines].join('\n'),
  );
}
