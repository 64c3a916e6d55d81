import { defineTool, z } from '@toolhost/core';
import { budgetConfig, hubService, ResultBudget } from '@toolhost/plugin-hub';
import { docsPath } from '../doc-url';
import { titleOf, toMarkdown } from '../markdown';
import { pageOf } from '../paging';

const output = z.object({
  url: z.string(),
  title: z.string().optional(),
  content: z.string().describe('This page of the document, as markdown'),
  offset: z.number(),
  end: z.number(),
  totalChars: z.number(),
  nextOffset: z.number().optional().describe('Pass as offset to read on; absent on the last page'),
});

/** The share of the budget one page of text may use: it is sent twice, as markdown and in the structured result. */
const PAGE_SHARE = 0.45;

export const hfDocFetch = defineTool({
  name: 'hf_doc_fetch',
  title: 'Read a Hugging Face docs page',
  description:
    'Fetch a page of the Hugging Face documentation (a https://huggingface.co/docs/… URL, e.g. from hf_doc_search) as markdown. Long pages come in parts: call again with the offset given at the end of a part to read on.',
  input: z.object({
    doc_url: z
      .string()
      .trim()
      .min(1, 'doc_url must not be empty')
      .max(500)
      .describe('Documentation URL, e.g. "https://huggingface.co/docs/hub/repositories"'),
    offset: z.number().int().min(0).default(0).describe('Character offset to start from (0 = the beginning)'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  // Pages are cut to the plugin's budget here; the result-budget middleware leaves this tool alone.
  config: budgetConfig,
  async handler({ doc_url, offset }, ctx) {
    const { hub } = ctx.services;
    const budget = new ResultBudget(ctx.config.maxTokens);
    const page = await hub.fetchDocPage(docsPath(doc_url, hub.endpoint), ctx);
    const markdown = await toMarkdown(page.body, page.contentType);
    const title = titleOf(markdown);
    const build = (size: number) => {
      const { content, end, total, nextOffset } = pageOf(markdown, offset, size);
      return {
        url: page.url,
        ...(title && { title }),
        content,
        offset,
        end,
        totalChars: total,
        ...(nextOffset !== undefined && { nextOffset }),
      };
    };
    // Shrink the page until the whole result fits (escaping in JSON makes markdown grow).
    let size = Math.floor(budget.maxChars * PAGE_SHARE);
    let result = build(size);
    while (budget.size(result, render) > budget.maxChars && size > 500) {
      size = Math.floor(size * 0.8);
      result = build(size);
    }
    return result;
  },
  render,
});

function render(out: z.output<typeof output>): string {
  const where =
    out.nextOffset === undefined
      ? out.offset > 0
        ? `_End of document (characters ${out.offset.toLocaleString('en-US')}–${out.end.toLocaleString('en-US')} of ${out.totalChars.toLocaleString('en-US')})._`
        : undefined
      : `_Characters ${out.offset.toLocaleString('en-US')}–${out.end.toLocaleString('en-US')} of ${out.totalChars.toLocaleString('en-US')}. The document continues: call hf_doc_fetch with offset=${out.nextOffset} to read on._`;
  return [`Source: ${out.url}`, '', out.content, ...(where ? ['', '---', where] : [])].join('\n');
}
