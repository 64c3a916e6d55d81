import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer } from '@toolhost/plugin-hub';
import { authorLine, fromCatalog, links, type PaperSummary, paperSummary } from '../schemas';

const { clip, day, plural } = format;

/** Authors listed per paper in search results (the details tool lists more). */
const AUTHORS_IN_SEARCH = 10;

const output = z.object({
  papers: z.array(paperSummary),
  ...answerFields,
});

export const paperSearch = defineTool({
  name: 'paper_search',
  title: 'Search papers',
  description:
    'Find machine-learning research papers on Hugging Face Papers by topic, title words or arXiv id. Returns titles, authors, arXiv ids, abstracts (shortened), upvotes and links to the paper pages.',
  input: z.object({
    query: z
      .string()
      .trim()
      .min(2, 'query needs at least 2 characters')
      .max(200)
      .describe('Topic, title words or an arXiv id, e.g. "speculative decoding"'),
    limit: z.number().int().min(1).max(100).default(10).describe('How many papers to return (1–100)'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ query, limit }, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<PaperSummary[]>(ctx, 'search', {
      hub: async () =>
        (await hub.searchPapers(query, limit, ctx)).map(({ authors, summary, ...paper }) => ({
          ...paper,
          ...links(hub, paper.id),
          authors: authors.slice(0, AUTHORS_IN_SEARCH),
          ...(summary && { summary: clip(summary, 600) }),
        })),
      catalog: (catalog) => catalog.searchPapers(query, limit).map((paper) => fromCatalog(hub, paper)),
    });
    return { papers: answer.value, ...answer.info };
  },
  render,
});

function render(out: z.output<typeof output>): string {
  if (out.papers.length === 0) return renderAnswer(out, 'No papers matched. Try other words or an arXiv id.');
  const entries = out.papers.map((p, i) => {
    const when = p.publishedAt ? day(p.publishedAt) : p.year;
    const facts = [
      `arXiv [${p.id}](${p.arxivUrl})`,
      when && `published ${when}`,
      p.upvotes !== undefined && `${p.upvotes} upvotes`,
      p.githubRepo && `[code](${p.githubRepo})`,
    ].filter(Boolean);
    return [
      `${i + 1}. **[${p.title}](${p.url})**`,
      `   ${authorLine(p)}`,
      `   ${facts.join(' · ')}`,
      ...(p.summary ? [`   ${p.summary}`] : []),
    ].join('\n');
  });
  return renderAnswer(out, [`Found ${plural(out.papers.length, 'paper')}:`, '', ...entries].join('\n\n'));
}
