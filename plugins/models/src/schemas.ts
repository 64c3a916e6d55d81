import { z } from '@toolhost/core';

/**
 * A model as the search and details tools return it (structuredContent). Counts,
 * access and dates come from the live Hub; the offline catalog knows only the id,
 * the task and a description, so those fields are optional.
 */
export const modelSummary = z.object({
  id: z.string(),
  url: z.string(),
  author: z.string().optional(),
  task: z.string().optional(),
  library: z.string().optional(),
  description: z.string().optional(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  private: z.boolean().optional(),
  gated: z.union([z.literal(false), z.enum(['auto', 'manual'])]).optional(),
  lastModified: z.string().optional(),
});
