import { definePlugin, z } from '@toolhost/core';
import { DEFAULT_HUB_ENDPOINT, HubClient } from './client';
import { hubService } from './service';
import { hfWhoami } from './tools/hf-whoami';

export type { HubCall, HubClientOptions, ModelDetails, ModelQuery, ModelSummary } from './client';
export { DEFAULT_HUB_ENDPOINT, HubClient } from './client';
export { HubUnreachableError } from './errors';
export { hubService } from './service';

export default definePlugin({
  id: 'hub',
  version: '0.1.0',
  title: 'Hugging Face Hub',
  description: 'The Hub client other plugins use, and hf_whoami.',
  kernel: '^0.1.0',
  config: z.object({
    /** Hub base URL; defaults to HF_ENDPOINT, then https://huggingface.co. */
    endpoint: z.url().optional(),
    /** Per-request timeout to the Hub, in milliseconds. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  }),
  provides: { hub: hubService },
  setup({ config, env, onShutdown }) {
    const hub = new HubClient({
      endpoint: config.endpoint ?? env['HF_ENDPOINT'] ?? DEFAULT_HUB_ENDPOINT,
      timeoutMs: config.timeoutMs,
    });
    onShutdown(() => hub.close());
    return { hub };
  },
  tools: [hfWhoami],
});
