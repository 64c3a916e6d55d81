import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { hubRepoSearch } from './tools/hub-repo-search';

/**
 * One broad search instead of three (`model_search`, `dataset_search`,
 * `space_search`): a manifest that must keep its tool list short can load this
 * plugin alone. Its own package, so the hub plugin's tools stay as they are.
 */
export default defineHubToolsPlugin({
  id: 'repos',
  version: '0.1.0',
  title: 'Repo search',
  description: 'Search Hugging Face models, datasets and Spaces in one call.',
  kernel: '^0.1.0',
  tools: [hubRepoSearch],
  budgetLists: { hub_repo_search: 'repos' },
});
