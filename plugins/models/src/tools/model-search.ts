import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer } from '@toolhost/plugin-hub';
import { modelSummary } from '../schemas';

const { compactNumber, day, plural } = format;

const SORTS = ['trendingScore', 'downloads', 'likes', 'createdAt', 'lastModified'] as const;

const output = z.object({
  models: z.array(modelSummary),
  sort: z.enum(SORTS),
  ...answerFields,
});

export const modelSearch = defineTool({
  name: 'model_search',
  title: 'Search models',
  description:
    'Find machine learning models on the Hugging Face Hub by keywords, author, task (pipeline tag such as "text-generation" or "automatic-speech-recognition") or library ("transformers", "diffusers", "gguf"…). Returns model ids with links, task, library, downloads and likes.',
  input: z.object({
    query: z
      .string()
      .trim()
      .max(200)
      .optional()
      .describe('Words to find in model names, e.g. "whisper" or "llama 3"'),
    author: z
      .string()
      .trim()
      .max(96)
      .optional()
      .describe('Only models of this user or organization, e.g. "meta-llama"'),
    task: z.string().trim().max(64).optional().describe('Pipeline tag, e.g. "text-to-image"'),
    library: z.string().trim().max(64).optional().describe('Library tag, e.g. "transformers"'),
    sort: z.enum(SORTS).default('trendingScore').describe('Order of results, most first'),
    limit: z.number().int().min(1).max(100).default(20).describe('How many models to return (1–100)'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler(input, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<z.input<typeof modelSummary>[]>(ctx, 'search', {
      hub: async () =>
        (await hub.searchModels(input, ctx)).map((model) => ({ ...model, url: hub.repoUrl(model.id) })),
      // The catalog knows tasks but not libraries: a library filter matches nothing there.
      catalog: (catalog) =>
        input.library
          ? []
          : catalog
              .search('model', { ...input, tasks: input.task ? [input.task] : [] })
              .map(({ id, author, tasks, description }) => ({
                id,
                url: hub.repoUrl(id),
                ...(author && { author }),
                ...(tasks[0] && { task: tasks[0] }),
                description,
              })),
    });
    return { models: answer.value, sort: input.sort, ...answer.info };
  },
  render,
});

function render(out: z.output<typeof output>): string {
  if (out.models.length === 0) {
    return renderAnswer(
      out,
      'No models matched. Try fewer or broader keywords, or drop the task/library filter.',
    );
  }
  const lines = out.models.map((m, i) => {
    const facts = [
      m.task,
      m.library,
      m.downloads !== undefined && `${compactNumber(m.downloads)} downloads`,
      m.likes !== undefined && `${compactNumber(m.likes)} likes`,
      m.lastModified && `updated ${day(m.lastModified)}`,
      m.description,
    ];
    const flags = [m.gated ? 'gated' : undefined, m.private ? 'private' : undefined].filter(Boolean);
    return `${i + 1}. **[${m.id}](${m.url})** — ${facts.filter(Boolean).join(' · ')}${flags.length ? ` (${flags.join(', ')})` : ''}`;
  });
  const order = out.source === 'hub' ? `sorted by ${out.sort}` : 'most relevant first';
  return renderAnswer(
    out,
    [`Found ${plural(out.models.length, 'model')} (${order}):`, '', ...lines].join('\n'),
  );
}
