import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { paperDetails } from './tools/paper-details';
import { paperSearch } from './tools/paper-search';

export default defineHubToolsPlugin({
  id: 'papers',
  version: '0.1.0',
  title: 'Paper search',
  description: 'Search machine-learning papers on Hugging Face Papers and read their details.',
  kernel: '^0.1.0',
  tools: [paperSearch, paperDetails],
  budgetLists: { paper_search: 'papers' },
});
