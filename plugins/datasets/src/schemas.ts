import { z } from '@toolhost/core';

/**
 * A dataset as the search and details tools return it. Counts, access and dates
 * come from the live Hub; the offline catalog knows only id, tasks and description.
 */
export const datasetSummary = z.object({
  id: z.string(),
  url: z.string(),
  author: z.string().optional(),
  description: z.string().optional(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  private: z.boolean().optional(),
  gated: z.union([z.literal(false), z.enum(['auto', 'manual'])]).optional(),
  lastModified: z.string().optional(),
  tags: z.array(z.string()),
});

/** Tags that say something to a reader: tasks, languages, size, license — not storage formats or regions. */
export const telling = (tags: readonly string[]): string[] =>
  tags.filter((t) => !/^(region|format|modality|library|annotations_creators|source_datasets):/.test(t));
