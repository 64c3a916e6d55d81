import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { modelDetails } from './tools/model-details';
import { modelSearch } from './tools/model-search';

export default defineHubToolsPlugin({
  id: 'models',
  version: '0.1.0',
  title: 'Model search',
  description: 'Search Hugging Face models and read their details.',
  kernel: '^0.1.0',
  tools: [modelSearch, modelDetails],
  budgetLists: { model_search: 'models' },
});
