import { z } from '@toolhost/core';

/** `owner/name`, as the Hub spells Space ids (the same rule as user settings). */
export const SPACE_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/;

const seconds = (max: number) => z.number().positive().max(max);

/**
 * The manifest's `spaces` section: where Spaces live, what may be contacted, and
 * which Spaces every caller gets. It is this plugin's config (the plugin claims the
 * section; a config under its `plugins:` entry works too).
 */
export const spacesConfig = z
  .object({
    /** Where a Space's MCP endpoint lives; `{subdomain}` and `{id}` expand. */
    endpoint: z
      .string()
      .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL template')
      .default('https://{subdomain}.hf.space/gradio_api/mcp/'),
    /** Hosts that may be contacted: exact names, `*.domain` for subdomains, or `*` for any. */
    allowedHosts: z.array(z.string().min(1)).default(['*.hf.space']),
    /** Allow private, loopback and link-local addresses (local deployments and tests only). */
    allowPrivateAddresses: z.boolean().default(false),
    /** How long one call to a Space may take. */
    timeoutSeconds: seconds(3_600).default(120),
    /** Spaces every caller gets. */
    enabled: z.array(z.string().regex(SPACE_ID, 'must look like "owner/name"')).max(100).default([]),
    /** At most this many Spaces per request (settings, `?gradio=` and `enabled` together); the rest are left out. */
    maxSpacesPerRequest: z.number().int().min(1).max(100).default(10),
    /** How long a Space's tool list is reused before it is fetched again. */
    toolsTtlSeconds: z.number().int().min(0).max(86_400).default(300),
    /** How long a failed discovery (sleeping, missing, unreachable Space) is remembered: no retry storm. */
    failureTtlSeconds: z.number().int().min(0).max(3_600).default(30),
    /** How long discovering one Space (Hub lookup, then its tools/list) may take. */
    discoveryTimeoutSeconds: seconds(120).default(10),
    /** Leave image content out of results, for clients that cannot show images. */
    dropImages: z.boolean().default(false),
  })
  .strict();

export type SpacesConfig = z.output<typeof spacesConfig>;

/** What this plugin adds to each user's settings: the Spaces they enabled. */
export const spacesSettings = z.object({
  spaces: z
    .array(z.string().regex(SPACE_ID, 'must look like "owner/name"'))
    .max(100)
    .default([])
    .transform((ids) => [...new Set(ids)]),
});
