import { definePlugin, z } from '@toolhost/core';
import { maxTokensOption } from './budget';
import { resultBudget } from './budget-middleware';
import { DEFAULT_HUB_ENDPOINT, HubClient } from './client';
import { DEFAULT_HTTP_OPTIONS } from './http';
import { hubIdentity } from './identity';
import { hubService } from './service';
import { hfWhoami } from './tools/hf-whoami';
import { hubRepoDetails } from './tools/hub-repo-details';

export { CHARS_PER_TOKEN, maxTokensOption, ResultBudget } from './budget';
export { budgetConfig, resultBudget } from './budget-middleware';
export type { CatalogData, CatalogEntry, CatalogPaper, CatalogQuery, CatalogRepo } from './catalog/catalog';
export { OfflineCatalog } from './catalog/catalog';
export type { Answer, AnswerSources, HubCall, HubClientOptions } from './client';
export { DEFAULT_HUB_ENDPOINT, HubClient } from './client';
export { HubBadAnswerError, HubNotFoundError, HubUnreachableError } from './errors';
export * as format from './format';
export type { HubHttpOptions } from './http';
export { hubIdentity, verifyHubToken } from './identity';
export { parseRepoRef, REPO_ID, type RepoRef, repoId } from './repo-id';
export { type AnswerInfo, answerFields, renderAnswer, repoFields } from './results';
export { hubService } from './service';
export { defineHubToolsPlugin, type HubToolsPluginDefinition, hubToolsConfig } from './tools-plugin';
export type * from './types';

/** Hugging Face's convention for boolean variables (huggingface_hub reads HF_HUB_OFFLINE the same way). */
const isTruthy = (value: string | undefined): boolean =>
  ['1', 'ON', 'YES', 'TRUE'].includes((value ?? '').trim().toUpperCase());

const ms = (max: number) => z.number().int().min(0).max(max);

export default definePlugin({
  id: 'hub',
  version: '0.1.0',
  title: 'Hugging Face Hub',
  description:
    'The Hub client other plugins use, hf_whoami and hub_repo_details, and Hugging Face tokens as a way in.',
  kernel: '^0.1.0',
  config: z.object({
    /** Hub base URL; defaults to HF_ENDPOINT, then https://huggingface.co. */
    endpoint: z.url().optional(),
    /** Per-request timeout to the Hub, in milliseconds. */
    timeoutMs: z.number().int().min(100).max(120_000).default(DEFAULT_HTTP_OPTIONS.timeoutMs),
    /** Retries after a 429 or 5xx. */
    retries: z.number().int().min(0).max(10).default(DEFAULT_HTTP_OPTIONS.retries),
    /** First backoff delay when the Hub sends no Retry-After; doubles each retry. */
    retryDelayMs: ms(60_000).default(DEFAULT_HTTP_OPTIONS.retryDelayMs),
    /** A longer Retry-After is reported ("retry in N s") instead of waited out. */
    maxRetryWaitMs: ms(300_000).default(DEFAULT_HTTP_OPTIONS.maxRetryWaitMs),
    /** Requests in flight to the Hub at once. */
    maxConcurrency: z.number().int().min(1).max(256).default(DEFAULT_HTTP_OPTIONS.maxConcurrency),
    /** How long successful answers are reused (0: no cache), and how many are kept. */
    cacheTtlMs: ms(86_400_000).default(DEFAULT_HTTP_OPTIONS.cacheTtlMs),
    cacheMaxEntries: z.number().int().min(0).max(100_000).default(DEFAULT_HTTP_OPTIONS.cacheMaxEntries),
    /** Answer from the bundled catalog only; defaults to HF_HUB_OFFLINE. */
    offline: z.boolean().optional(),
    /** What searches do when the Hub cannot be reached at all. */
    fallback: z.enum(['catalog', 'none']).default('catalog'),
    /** Size budget of hub_repo_details results. */
    maxTokens: maxTokensOption,
  }),
  provides: { hub: hubService },
  setup({ config, env, onShutdown, startUpstream }) {
    const { endpoint, offline, maxTokens: _budget, ...options } = config;
    const hub = new HubClient({
      ...options,
      startUpstream,
      endpoint: endpoint ?? env['HF_ENDPOINT'] ?? DEFAULT_HUB_ENDPOINT,
      offline: offline ?? isTruthy(env['HF_HUB_OFFLINE']),
    });
    onShutdown(() => hub.close());
    return { hub };
  },
  tools: [hfWhoami, hubRepoDetails],
  identityProviders: [hubIdentity],
  middleware: [resultBudget([hubRepoDetails], { hub_repo_details: 'repos' })],
});
