import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer, repoId } from '@toolhost/plugin-hub';
import { datasetSummary, telling } from '../schemas';

const { access, bytes, clip, compactNumber, day, facts, list } = format;

const split = z.object({ name: z.string(), examples: z.number().optional(), bytes: z.number().optional() });

const output = datasetSummary.extend({
  prettyName: z.string().optional(),
  createdAt: z.string().optional(),
  license: z.string().optional(),
  languages: z.array(z.string()).optional(),
  taskCategories: z.array(z.string()).optional(),
  sizeCategory: z.string().optional(),
  datasetBytes: z.number().optional(),
  downloadBytes: z.number().optional(),
  configs: z.array(z.object({ name: z.string(), splits: z.array(split) })),
  arxivIds: z.array(z.string()).optional(),
  ...answerFields,
});

export const datasetDetails = defineTool({
  name: 'dataset_details',
  title: 'Dataset details',
  description:
    'Get details of one dataset on the Hugging Face Hub by its repo id ("owner/name"): summary of its card, license, languages, tasks, size, configs and splits (with row counts when known), downloads, likes, tags and linked papers.',
  input: z.object({
    repo_id: repoId.describe('The dataset id, e.g. "stanfordnlp/imdb"'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ repo_id }, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<Omit<z.input<typeof output>, 'source'>>(ctx, 'lookup', {
      hub: async () => {
        const { description, ...dataset } = await hub.datasetInfo(repo_id, ctx);
        return {
          ...dataset,
          url: hub.repoUrl(dataset.id, 'dataset'),
          ...(description && { description: clip(description, 1500) }),
        };
      },
      catalog: (catalog) => {
        const found = catalog.get('dataset', repo_id);
        return {
          id: found.id,
          url: hub.repoUrl(found.id, 'dataset'),
          ...(found.author && { author: found.author }),
          description: found.description,
          tags: found.tasks.map((task) => `task_categories:${task}`),
          taskCategories: found.tasks,
          configs: [],
        };
      },
    });
    return { ...answer.value, ...answer.info };
  },
  render,
});

/** "train (25,000 rows, 33.4 MB)" */
const splitText = (s: z.output<typeof split>) => {
  const about = [
    s.examples !== undefined && `${s.examples.toLocaleString('en-US')} rows`,
    s.bytes !== undefined && bytes(s.bytes),
  ].filter(Boolean);
  return about.length ? `${s.name} (${about.join(', ')})` : s.name;
};

function render(d: z.output<typeof output>): string {
  const size = [d.sizeCategory, d.datasetBytes !== undefined && `${bytes(d.datasetBytes)} of data`].filter(
    Boolean,
  );
  const configs = d.configs.map(
    (c) => `- **${c.name}**${c.splits.length ? `: ${c.splits.map(splitText).join(', ')}` : ''}`,
  );
  const tags = telling(d.tags);
  return renderAnswer(
    d,
    [
      `# [${d.prettyName ?? d.id}](${d.url})`,
      ...(d.prettyName ? ['', `\`${d.id}\``] : []),
      '',
      ...(d.description ? [d.description, ''] : []),
      ...facts([
        ['Author', d.author],
        ['License', d.license],
        ['Languages', d.languages && list(d.languages, 15)],
        ['Tasks', d.taskCategories?.join(', ')],
        ['Size', size.length ? size.join(', ') : undefined],
        ['Download size', d.downloadBytes !== undefined && bytes(d.downloadBytes)],
        ['Downloads', d.downloads !== undefined && compactNumber(d.downloads)],
        ['Likes', d.likes !== undefined && compactNumber(d.likes)],
        ['Created', d.createdAt && day(d.createdAt)],
        ['Updated', d.lastModified && day(d.lastModified)],
        ['Access', access(d)],
        ['Papers', d.arxivIds?.map((id) => `[${id}](https://arxiv.org/abs/${id})`).join(', ')],
      ]),
      ...(configs.length ? ['', `## Configs and splits (${configs.length})`, '', ...configs] : []),
      ...(tags.length ? ['', `Tags: ${list(tags, 30)}`] : []),
    ].join('\n'),
  );
}
