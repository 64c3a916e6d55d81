import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { modelsBudget } from './budget';
import { modelDetails } from './tools/model-details';
import { modelSearch } from './tools/model-search';

export default defineHubToolsPlugin({
  id: 'models',
  version: '0.1.0',
  title: 'Model search',
  description: 'Search Hugging Face models and read their details.',
  kernel: '^0.1.0',
  budget: modelsBudget,
  tools: [modelSearch, modelDetails],
});
