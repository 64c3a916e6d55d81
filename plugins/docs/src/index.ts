import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { docsBudget } from './budget';
import { hfDocFetch } from './tools/hf-doc-fetch';
import { hfDocSearch } from './tools/hf-doc-search';

export default defineHubToolsPlugin({
  id: 'docs',
  version: '0.1.0',
  title: 'Documentation',
  description: 'Search the Hugging Face documentation and read its pages as markdown.',
  kernel: '^0.1.0',
  budget: docsBudget,
  tools: [hfDocSearch, hfDocFetch],
});
