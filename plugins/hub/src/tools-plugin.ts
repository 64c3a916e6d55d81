import { type AnyTool, definePlugin, z } from '@toolhost/core';
import { maxTokensOption } from './budget';
import { resultBudget } from './budget-middleware';
import { hubService } from './service';

export interface HubToolsPluginDefinition {
  id: string;
  version: string;
  title: string;
  description: string;
  kernel: string;
  tools: readonly AnyTool[];
  /**
   * Per tool, the list in its result that loses its last items first when the
   * result is over budget (`{ model_search: 'models' }`), or `false` for a tool
   * that fits its own results; other tools have long fields shortened.
   */
  budgetLists?: Readonly<Record<string, string | false>>;
}

/** The config of every Hub tools plugin: one option, the result size budget. */
export const hubToolsConfig = z.object({ maxTokens: maxTokensOption });

/**
 * A plugin of Hub tools, as models, datasets, spaces, papers and docs are: it
 * requires the `hub` service, takes one config option, `maxTokens`, and keeps its
 * tools' results within that budget (the `result-budget` middleware).
 */
export function defineHubToolsPlugin({ budgetLists, ...definition }: HubToolsPluginDefinition) {
  return definePlugin({
    ...definition,
    config: hubToolsConfig,
    requires: { hub: hubService },
    middleware: [resultBudget(definition.tools, budgetLists)],
  });
}
