import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer, repoId } from '@toolhost/plugin-hub';
import { modelSummary } from '../schemas';

const { access, compactNumber, day, facts, list, parameters } = format;

const output = modelSummary.extend({
  tags: z.array(z.string()),
  createdAt: z.string().optional(),
  license: z.string().optional(),
  languages: z.array(z.string()).optional(),
  datasets: z.array(z.string()).optional(),
  baseModels: z.array(z.string()).optional(),
  parameters: z.number().optional(),
  ...answerFields,
});

export const modelDetails = defineTool({
  name: 'model_details',
  title: 'Model details',
  description:
    'Get details of one model on the Hugging Face Hub by its repo id ("owner/name"): task, library, license, languages, training datasets, parameter count, downloads, likes, tags and dates.',
  input: z.object({
    repo_id: repoId.describe('The model id, e.g. "openai/whisper-large-v3"'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ repo_id }, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<Omit<z.input<typeof output>, 'source'>>(ctx, 'lookup', {
      hub: async () => {
        const model = await hub.modelInfo(repo_id, ctx);
        return { ...model, url: hub.repoUrl(model.id) };
      },
      catalog: (catalog) => {
        const found = catalog.get('model', repo_id);
        return {
          id: found.id,
          url: hub.repoUrl(found.id),
          ...(found.author && { author: found.author }),
          ...(found.tasks[0] && { task: found.tasks[0] }),
          description: found.description,
          tags: found.tasks,
        };
      },
    });
    return { ...answer.value, ...answer.info };
  },
  render,
});

function render(m: z.output<typeof output>): string {
  return renderAnswer(
    m,
    [
      `# [${m.id}](${m.url})`,
      '',
      ...(m.description ? [m.description, ''] : []),
      ...facts([
        ['Task', m.task],
        ['Library', m.library],
        ['License', m.license],
        ['Parameters', m.parameters && parameters(m.parameters)],
        ['Languages', m.languages?.join(', ')],
        ['Datasets', m.datasets?.join(', ')],
        ['Base model', m.baseModels?.join(', ')],
        ['Downloads', m.downloads !== undefined && compactNumber(m.downloads)],
        ['Likes', m.likes !== undefined && compactNumber(m.likes)],
        ['Created', m.createdAt && day(m.createdAt)],
        ['Updated', m.lastModified && day(m.lastModified)],
        ['Access', access(m)],
      ]),
      ...(m.tags.length ? ['', `Tags: ${list(m.tags, 30)}`] : []),
    ].join('\n'),
  );
}
