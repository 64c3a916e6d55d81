import { z } from '@toolhost/core';

/** A model as the search and details tools return it (structuredContent). */
export const modelSummary = z.object({
  id: z.string(),
  url: z.string(),
  author: z.string().optional(),
  task: z.string().optional(),
  library: z.string().optional(),
  downloads: z.number(),
  likes: z.number(),
  private: z.boolean(),
  gated: z.union([z.literal(false), z.enum(['auto', 'manual'])]),
  lastModified: z.string(),
});

/** Hub repo ids: `name` or `owner/name`, letters, digits, `-`, `_`, `.`; at most 96 characters each side. */
export const repoId = z
  .string()
  .trim()
  .min(1, 'repo_id must not be empty')
  .max(200)
  .regex(
    /^[A-Za-z0-9][\w.-]{0,95}(\/[\w.-]{1,96})?$/,
    'repo_id must look like "owner/name", e.g. "openai/whisper-large-v3"',
  );
