import { definePlugin, z } from '@toolhost/core';
import { hubService, maxTokensOption, ResultBudget } from '@toolhost/plugin-hub';
import { datasetsBudget } from './budget';
import { datasetDetails } from './tools/dataset-details';
import { datasetSearch } from './tools/dataset-search';

export default definePlugin({
  id: 'datasets',
  version: '0.1.0',
  title: 'Dataset search',
  description: 'Search Hugging Face datasets and read their details.',
  kernel: '^0.1.0',
  config: z.object({ maxTokens: maxTokensOption }),
  requires: { hub: hubService },
  provides: { budget: datasetsBudget },
  setup: ({ config }) => ({ budget: new ResultBudget(config.maxTokens) }),
  tools: [datasetSearch, datasetDetails],
});
