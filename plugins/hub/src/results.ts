import { z } from '@toolhost/core';

/**
 * Output fields of a repo that the model, dataset and repo tools share. Counts,
 * access and dates come from the live Hub; the offline catalog knows only the id,
 * a description and tasks, so everything but the id and link is optional.
 */
export const repoFields = {
  id: z.string(),
  url: z.string(),
  author: z.string().optional(),
  description: z.string().optional(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  private: z.boolean().optional(),
  gated: z.union([z.literal(false), z.enum(['auto', 'manual'])]).optional(),
  lastModified: z.string().optional(),
};

/** Output fields every search and details tool shares: where the answer came from, and what was cut. */
export const answerFields = {
  source: z
    .enum(['hub', 'catalog'])
    .describe("hub: the live Hub answered; catalog: Toolhost's bundled offline catalog answered"),
  notice: z.string().optional().describe('Why the answer did not come from the live Hub'),
  truncated: z.string().optional().describe('What was left out to stay within the size budget'),
};

export interface AnswerInfo {
  source: 'hub' | 'catalog';
  notice?: string | undefined;
  truncated?: string | undefined;
}

/** The markdown of an answer: its notice first (a model must not mistake catalog data for live data), the truncation last. */
export function renderAnswer(info: Omit<AnswerInfo, 'source'>, body: string): string {
  return [info.notice && `> ${info.notice}\n`, body, info.truncated && `\n_${info.truncated}_`]
    .filter(Boolean)
    .join('\n');
}
