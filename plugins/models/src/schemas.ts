import { z } from '@toolhost/core';
import { repoFields } from '@toolhost/plugin-hub';

/** A model as the search and details tools return it (structuredContent). */
export const modelSummary = z.object({
  ...repoFields,
  task: z.string().optional(),
  library: z.string().optional(),
});
