import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { spaceDetails } from './tools/space-details';
import { spaceSearch } from './tools/space-search';

export default defineHubToolsPlugin({
  id: 'spaces',
  version: '0.1.0',
  title: 'Space search',
  description: 'Find Hugging Face Spaces (AI apps) by meaning and read their details.',
  kernel: '^0.1.0',
  tools: [spaceSearch, spaceDetails],
  budgetLists: { space_search: 'spaces' },
});
