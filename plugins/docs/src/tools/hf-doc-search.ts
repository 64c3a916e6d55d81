import { defineTool, z } from '@toolhost/core';
import { format, hubService, renderAnswer } from '@toolhost/plugin-hub';

const { plural } = format;

const output = z.object({
  results: z.array(
    z.object({
      product: z.string().describe('Documentation product, e.g. "hub" or "transformers"'),
      title: z.string(),
      section: z.string().optional(),
      url: z.string(),
      text: z.string(),
    }),
  ),
  truncated: z.string().optional(),
});

export const hfDocSearch = defineTool({
  name: 'hf_doc_search',
  title: 'Search the Hugging Face docs',
  description:
    'Search the Hugging Face documentation (Hub, Transformers, Diffusers, Datasets, Gradio…) for up-to-date answers. Returns matching excerpts grouped by product and page, with links; read a whole page with hf_doc_fetch.',
  input: z.object({
    query: z
      .string()
      .trim()
      .min(2, 'query needs at least 2 characters')
      .max(200)
      .describe('What to look for, e.g. "how to create a Space with Docker"'),
    product: z
      .string()
      .trim()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,63}$/,
        'product must be a docs product id such as "hub" or "transformers"',
      )
      .optional()
      .describe('Only this product\'s docs, e.g. "hub", "transformers", "diffusers", "datasets"'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ query, product }, ctx) {
    const { hub } = ctx.services;
    const results = await hub.searchDocs(query, product, ctx);
    return { results };
  },
  render,
});

function render(out: z.output<typeof output>): string {
  if (out.results.length === 0) {
    return renderAnswer(out, 'No documentation matched. Try other words, or drop the product filter.');
  }
  // Group by product, then by page (without the #section anchor), keeping the search's order.
  const products = new Map<string, Map<string, typeof out.results>>();
  for (const hit of out.results) {
    const pages = products.get(hit.product) ?? new Map<string, typeof out.results>();
    const page = hit.url.split('#')[0]!;
    pages.set(page, [...(pages.get(page) ?? []), hit]);
    products.set(hit.product, pages);
  }
  const sections = [...products].map(([product, pages]) =>
    [
      `## ${product}`,
      ...[...pages].map(([page, hits]) =>
        [
          `### [${hits[0]!.title}](${page})`,
          ...hits.map(
            (h) => `${h.section ? `**${h.section}** — ` : ''}${h.text.replace(/\s+/g, ' ').trim()}`,
          ),
        ].join('\n\n'),
      ),
    ].join('\n\n'),
  );
  return renderAnswer(
    out,
    [
      `Found ${plural(out.results.length, 'excerpt')} in the documentation:`,
      ...sections,
      '---',
      'Read a whole page with hf_doc_fetch and its URL.',
    ].join('\n\n'),
  );
}
