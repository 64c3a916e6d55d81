import { z } from '@toolhost/core';
import { repoFields } from '@toolhost/plugin-hub';

/** A dataset as the search and details tools return it (structuredContent). */
export const datasetSummary = z.object({
  ...repoFields,
  tags: z.array(z.string()),
});

/** Tags that say something to a reader: tasks, languages, size, license — not storage formats or regions. */
export const telling = (tags: readonly string[]): string[] =>
  tags.filter((t) => !/^(region|format|modality|library|annotations_creators|source_datasets):/.test(t));
