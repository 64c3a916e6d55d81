import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { hfDocFetch } from './tools/hf-doc-fetch';
import { hfDocSearch } from './tools/hf-doc-search';

export default defineHubToolsPlugin({
  id: 'docs',
  version: '0.1.0',
  title: 'Documentation',
  description: 'Search the Hugging Face documentation and read its pages as markdown.',
  kernel: '^0.1.0',
  tools: [hfDocSearch, hfDocFetch],
  // hf_doc_fetch cuts its pages to the budget itself (ctx.config.maxTokens).
  budgetLists: { hf_doc_search: 'results', hf_doc_fetch: false },
});
