import { definePlugin } from '@toolhost/core';
import { hubService } from '@toolhost/plugin-hub';
import { modelDetails } from './tools/model-details';
import { modelSearch } from './tools/model-search';

export default definePlugin({
  id: 'models',
  version: '0.1.0',
  title: 'Model search',
  description: 'Search Hugging Face models and read their details.',
  kernel: '^0.1.0',
  requires: { hub: hubService },
  tools: [modelSearch, modelDetails],
});
