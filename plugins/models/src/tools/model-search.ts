import { defineTool, z } from '@toolhost/core';
import { hubService } from '@toolhost/plugin-hub';
import { compactNumber, day } from '../format';
import { modelSummary } from '../schemas';

const SORTS = ['trendingScore', 'downloads', 'likes', 'createdAt', 'lastModified'] as const;

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
  output: z.object({
    models: z.array(modelSummary),
    sort: z.enum(SORTS),
  }),
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler(input, ctx) {
    const { hub } = ctx.services;
    const models = await hub.searchModels(input, ctx);
    return { models: models.map((model) => ({ ...model, url: hub.repoUrl(model.id) })), sort: input.sort };
  },
  render({ models, sort }) {
    if (models.length === 0)
      return 'No models matched. Try fewer or broader keywords, or drop the task/library filter.';
    const lines = models.map((m, i) => {
      const facts = [
        m.task,
        m.library,
        `${compactNumber(m.downloads)} downloads`,
        `${compactNumber(m.likes)} likes`,
      ];
      const flags = [m.gated ? 'gated' : undefined, m.private ? 'private' : undefined].filter(Boolean);
      return `${i + 1}. **[${m.id}](${m.url})** — ${facts.filter(Boolean).join(' · ')} · updated ${day(m.lastModified)}${flags.length ? ` (${flags.join(', ')})` : ''}`;
    });
    return [
      `Found ${models.length} model${models.length === 1 ? '' : 's'} (sorted by ${sort}):`,
      '',
      ...lines,
    ].join('\n');
  },
});
