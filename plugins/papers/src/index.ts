import { definePlugin, z } from '@toolhost/core';
import { hubService, maxTokensOption, ResultBudget } from '@toolhost/plugin-hub';
import { papersBudget } from './budget';
import { paperDetails } from './tools/paper-details';
import { paperSearch } from './tools/paper-search';

export default definePlugin({
  id: 'papers',
  version: '0.1.0',
  title: 'Paper search',
  description: 'Search machine-learning papers on Hugging Face Papers and read their details.',
  kernel: '^0.1.0',
  config: z.object({ maxTokens: maxTokensOption }),
  requires: { hub: hubService },
  provides: { budget: papersBudget },
  setup: ({ config }) => ({ budget: new ResultBudget(config.maxTokens) }),
  tools: [paperSearch, paperDetails],
});
