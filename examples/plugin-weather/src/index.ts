import { definePlugin } from '@toolhost/core';
import { attribution } from './attribution';
import { weatherConfig } from './config';
import { ForecastClient, forecastService } from './forecast-client';
import { forecast } from './tools/forecast';

export { forecastService } from './forecast-client';

export default definePlugin({
  id: 'weather',
  version: '1.0.0',
  kernel: '^0.1.0',
  config: weatherConfig,
  provides: { forecast: forecastService },
  // Runs once at start: one client for the process, with the config's endpoint and units.
  setup: ({ config, reportUpstream }) => ({
    forecast: new ForecastClient(config.endpoint, config.units, reportUpstream),
  }),
  middleware: [attribution],
  tools: [forecast],
});
