import { z } from '@toolhost/core';

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
export function renderAnswer(info: AnswerInfo, body: string): string {
  return [info.notice && `> ${info.notice}\n`, body, info.truncated && `\n_${info.truncated}_`]
    .filter(Boolean)
    .join('\n');
}
