import { definePlugin, z } from '@toolhost/core';
import { hubService, maxTokensOption, ResultBudget } from '@toolhost/plugin-hub';
import { modelsBudget } from './budget';
import { modelDetails } from './tools/model-details';
import { modelSearch } from './tools/model-search';

export default definePlugin({
  id: 'models',
  version: '0.1.0',
  title: 'Model search',
  description: 'Search Hugging Face models and read their details.',
  kernel: '^0.1.0',
  config: z.object({ maxTokens: maxTokensOption }),
  requires: { hub: hubService },
  provides: { budget: modelsBudget },
  setup: ({ config }) => ({ budget: new ResultBudget(config.maxTokens) }),
  tools: [modelSearch, modelDetails],
});
