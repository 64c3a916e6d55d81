import { type AnyTool, definePlugin, type ServiceRef, z } from '@toolhost/core';
import { maxTokensOption, ResultBudget } from './budget';
import { hubService } from './service';

export interface HubToolsPluginDefinition {
  id: string;
  version: string;
  title: string;
  description: string;
  kernel: string;
  /** The plugin's budget service (`budgetService(id)`), which its tools list in `services`. */
  budget: ServiceRef<ResultBudget>;
  tools: readonly AnyTool[];
}

/**
 * A plugin of Hub tools, as models, datasets, spaces, papers and docs are: it
 * requires the `hub` service, takes one config option, `maxTokens`, and provides
 * its tools a result budget of that size.
 */
export function defineHubToolsPlugin({ budget, ...definition }: HubToolsPluginDefinition) {
  return definePlugin({
    ...definition,
    config: z.object({ maxTokens: maxTokensOption }),
    requires: { hub: hubService },
    provides: { budget },
    setup: ({ config }) => ({ budget: new ResultBudget(config.maxTokens) }),
  });
}
