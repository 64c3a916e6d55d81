import { definePlugin, z } from '@toolhost/core';
import { hubService, maxTokensOption, ResultBudget } from '@toolhost/plugin-hub';
import { spacesBudget } from './budget';
import { spaceDetails } from './tools/space-details';
import { spaceSearch } from './tools/space-search';

export default definePlugin({
  id: 'spaces',
  version: '0.1.0',
  title: 'Space search',
  description: 'Find Hugging Face Spaces (AI apps) by meaning and read their details.',
  kernel: '^0.1.0',
  config: z.object({ maxTokens: maxTokensOption }),
  requires: { hub: hubService },
  provides: { budget: spacesBudget },
  setup: ({ config }) => ({ budget: new ResultBudget(config.maxTokens) }),
  tools: [spaceSearch, spaceDetails],
});
