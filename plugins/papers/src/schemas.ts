import { z } from '@toolhost/core';
import type { CatalogPaper, HubClient } from '@toolhost/plugin-hub';

/** arXiv's current identifiers: YYMM.NNNNN, optionally with a version. */
const ARXIV_ID = /(\d{4}\.\d{4,5})(v\d+)?/;

/** The `arxiv_id` argument: an id, "arXiv:…", or an arxiv.org / Hub papers URL, reduced to the bare id. */
export const arxivId = z
  .string()
  .trim()
  .min(1, 'arxiv_id must not be empty')
  .max(300)
  .regex(ARXIV_ID, 'arxiv_id must be an arXiv id like "1706.03762" (or an arxiv.org or Hub papers link)')
  .transform((text) => ARXIV_ID.exec(text)![1]!);

export const paperSummary = z.object({
  id: z.string().describe('arXiv id'),
  title: z.string(),
  /** The paper's page on Hugging Face Papers. */
  url: z.string(),
  arxivUrl: z.string(),
  authors: z.array(z.string()),
  /** How many authors the paper has, when more are known than listed. */
  authorCount: z.number().optional(),
  /** The catalog lists only the leading authors. */
  etAl: z.boolean().optional(),
  summary: z.string().optional(),
  upvotes: z.number().optional(),
  publishedAt: z.string().optional(),
  year: z.number().optional(),
  keywords: z.array(z.string()).optional(),
  githubRepo: z.string().optional(),
});

export type PaperSummary = z.input<typeof paperSummary>;

export const links = (hub: HubClient, id: string) => ({
  url: hub.paperUrl(id),
  arxivUrl: `https://arxiv.org/abs/${id}`,
});

/** A curated paper of the offline catalog in the tools' shape. */
export const fromCatalog = (hub: HubClient, paper: CatalogPaper): PaperSummary => ({
  id: paper.id,
  title: paper.title,
  ...links(hub, paper.id),
  authors: paper.authors,
  ...(paper.etAl && { etAl: true }),
  year: paper.year,
});

/** "A, B, C and 530 more" / "A, B et al." */
export function authorLine(
  p: { authors: string[]; authorCount?: number; etAl?: boolean },
  shown = 8,
): string {
  const more = Math.max(p.authorCount ?? 0, p.authors.length) - Math.min(shown, p.authors.length);
  const names = p.authors.slice(0, shown).join(', ');
  if (more > 0) return `${names} and ${more} more`;
  return p.etAl ? `${names} et al.` : names;
}
