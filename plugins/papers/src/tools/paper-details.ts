import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer } from '@toolhost/plugin-hub';
import { arxivId, authorLine, fromCatalog, links, paperSummary } from '../schemas';

const { day, facts } = format;

const output = paperSummary.extend({
  aiSummary: z.string().optional(),
  githubStars: z.number().optional(),
  projectPage: z.string().optional(),
  comments: z.number().optional(),
  ...answerFields,
});

export const paperDetails = defineTool({
  name: 'paper_details',
  title: 'Paper details',
  description:
    'Get one paper from Hugging Face Papers by its arXiv id (e.g. "2407.21783"): title, authors, abstract, keywords, upvotes, code and project links.',
  input: z.object({
    arxiv_id: arxivId.describe('arXiv id such as "1706.03762", or an arxiv.org / huggingface.co/papers link'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ arxiv_id }, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<Omit<z.input<typeof output>, 'source'>>(ctx, 'lookup', {
      hub: async () => {
        const paper = await hub.paperInfo(arxiv_id, ctx);
        return { ...paper, ...links(hub, paper.id) };
      },
      catalog: (catalog) => fromCatalog(hub, catalog.getPaper(arxiv_id)),
    });
    return { ...answer.value, ...answer.info };
  },
  render,
});

function render(p: z.output<typeof output>): string {
  return renderAnswer(
    p,
    [
      `# [${p.title}](${p.url})`,
      '',
      `**Authors:** ${authorLine(p, 20)}`,
      '',
      ...facts([
        ['arXiv', `[${p.id}](${p.arxivUrl})`],
        ['Published', p.publishedAt ? day(p.publishedAt) : p.year],
        ['Upvotes', p.upvotes],
        ['Comments', p.comments],
        [
          'Code',
          p.githubRepo &&
            `[${p.githubRepo}](${p.githubRepo})${p.githubStars ? ` (${p.githubStars} stars)` : ''}`,
        ],
        ['Project page', p.projectPage],
        ['Keywords', p.keywords?.join(', ')],
      ]),
      ...(p.aiSummary ? ['', `**In short:** ${p.aiSummary}`] : []),
      ...(p.summary ? ['', '## Abstract', '', p.summary] : []),
    ].join('\n'),
  );
}
