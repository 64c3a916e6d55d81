import { defineHubToolsPlugin } from '@toolhost/plugin-hub';
import { datasetDetails } from './tools/dataset-details';
import { datasetSearch } from './tools/dataset-search';

export default defineHubToolsPlugin({
  id: 'datasets',
  version: '0.1.0',
  title: 'Dataset search',
  description: 'Search Hugging Face datasets and read their details.',
  kernel: '^0.1.0',
  tools: [datasetSearch, datasetDetails],
  budgetLists: { dataset_search: 'datasets' },
});
