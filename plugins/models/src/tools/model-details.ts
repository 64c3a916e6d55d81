import { defineTool, z } from '@toolhost/core';
import { hubService } from '@toolhost/plugin-hub';
import { compactNumber, day, parameters } from '../format';
import { modelSummary, repoId } from '../schemas';

export const modelDetails = defineTool({
  name: 'model_details',
  title: 'Model details',
  description:
    'Get details of one model on the Hugging Face Hub by its repo id ("owner/name"): task, library, license, languages, training datasets, parameter count, downloads, likes, tags and dates.',
  input: z.object({
    repo_id: repoId.describe('The model id, e.g. "openai/whisper-large-v3"'),
  }),
  output: modelSummary.extend({
    tags: z.array(z.string()),
    createdAt: z.string().optional(),
    license: z.string().optional(),
    languages: z.array(z.string()).optional(),
    datasets: z.array(z.string()).optional(),
    baseModels: z.array(z.string()).optional(),
    parameters: z.number().optional(),
  }),
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ repo_id }, ctx) {
    const { hub } = ctx.services;
    const model = await hub.modelInfo(repo_id, ctx);
    return { ...model, url: hub.repoUrl(model.id) };
  },
  render(m) {
    const facts: [string, string | undefined][] = [
      ['Task', m.task],
      ['Library', m.library],
      ['License', m.license],
      ['Parameters', m.parameters ? parameters(m.parameters) : undefined],
      ['Languages', m.languages?.join(', ')],
      ['Datasets', m.datasets?.join(', ')],
      ['Base model', m.baseModels?.join(', ')],
      ['Downloads', compactNumber(m.downloads)],
      ['Likes', compactNumber(m.likes)],
      ['Created', m.createdAt ? day(m.createdAt) : undefined],
      ['Updated', day(m.lastModified)],
      ['Access', m.private ? 'private' : m.gated ? `gated (${m.gated} approval)` : 'public'],
    ];
    return [
      `# [${m.id}](${m.url})`,
      '',
      ...facts.filter(([, v]) => v !== undefined).map(([k, v]) => `- **${k}:** ${v}`),
      ...(m.tags.length
        ? ['', `Tags: ${m.tags.slice(0, 30).join(', ')}${m.tags.length > 30 ? ', …' : ''}`]
        : []),
    ].join('\n');
  },
});
