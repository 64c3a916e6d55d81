import { definePlugin, z } from '@toolhost/core';
import { hubService, maxTokensOption, ResultBudget } from '@toolhost/plugin-hub';
import { docsBudget } from './budget';
import { hfDocFetch } from './tools/hf-doc-fetch';
import { hfDocSearch } from './tools/hf-doc-search';

export default definePlugin({
  id: 'docs',
  version: '0.1.0',
  title: 'Documentation',
  description: 'Search the Hugging Face documentation and read its pages as markdown.',
  kernel: '^0.1.0',
  config: z.object({ maxTokens: maxTokensOption }),
  requires: { hub: hubService },
  provides: { budget: docsBudget },
  setup: ({ config }) => ({ budget: new ResultBudget(config.maxTokens) }),
  tools: [hfDocSearch, hfDocFetch],
});
