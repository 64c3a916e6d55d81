import { type AnyMiddleware, type AnyTool, type CallToolResult, defineMiddleware, z } from '@toolhost/core';
import { ResultBudget } from './budget';

/** The view of a tool plugin's config that budgets read (`ctx.config.maxTokens`). */
export const budgetConfig = z.object({ maxTokens: z.number().int().positive() });

/** Where the budget sits in the chain: close to the handler, so other middleware see the fitted result. */
const BUDGET_ORDER = 100;
/** Budgets kept per size; a ResultBudget is two numbers, the bound only stops a caller growing the map. */
const MAX_BUDGETS = 256;

type Structured = Record<string, unknown> & { truncated?: string };

interface Budgeted {
  readonly tool: AnyTool;
  readonly render: (output: Structured) => string;
  readonly list?: string;
}

/**
 * The result size budget as middleware: after a tool of the plugin answers, its
 * structured result (the markdown plus the JSON) is fitted to the plugin's
 * `maxTokens`, or to the caller's `ctx.maxResultTokens` (`?max_result_tokens=`)
 * when smaller — lists lose their last items first, then long fields are shortened —
 * re-validated against the tool's output schema and rendered again. Only tools
 * with an output schema are wrapped; error results pass through untouched.
 *
 * `lists` names, per tool, the list in its result that loses items first
 * (`{ model_search: 'models' }`), or `false` for a tool that fits its own results
 * (hf_doc_fetch pages); a tool not named has its long fields shortened.
 */
export function resultBudget(
  tools: readonly AnyTool[],
  lists: Readonly<Record<string, string | false>> = {},
): AnyMiddleware {
  const budgeted = new Map<string, Budgeted>();
  for (const tool of tools) {
    if (!tool.output || lists[tool.name] === false) continue;
    const render = (tool.render ??
      ((output: unknown) => JSON.stringify(output, null, 2))) as Budgeted['render'];
    budgeted.set(tool.name, { tool, render, ...(lists[tool.name] && { list: lists[tool.name] as string }) });
  }
  // One budget per size: the plugin's, and each smaller one callers asked for.
  const budgets = new Map<number, ResultBudget>();
  return defineMiddleware({
    name: 'result-budget',
    order: BUDGET_ORDER,
    tools: ({ name }) => budgeted.has(name),
    config: budgetConfig,
    async handle({ tool, ctx }, next): Promise<CallToolResult> {
      const result = await next();
      const structured = result.structuredContent as Structured | undefined;
      const entry = budgeted.get(tool);
      if (result.isError || !structured || !entry) return result;
      // The caller may ask for less than the plugin allows (?max_result_tokens=), never for more.
      const maxTokens = Math.min(ctx.config.maxTokens, ctx.maxResultTokens ?? Number.POSITIVE_INFINITY);
      let budget = budgets.get(maxTokens);
      if (!budget) {
        // Bounded by the sizes callers ask for; past a few hundred, start over rather than grow.
        if (budgets.size >= MAX_BUDGETS) budgets.clear();
        budget = new ResultBudget(maxTokens);
        budgets.set(maxTokens, budget);
      }
      // The result's text is the render of `structured` (the kernel made it): measured, not rendered again.
      const [block, ...others] = result.content;
      const renderedLength = others.length === 0 && block?.type === 'text' ? block.text.length : undefined;
      const fitted = budget.fit(structured, entry.render, entry.list as never, renderedLength);
      if (fitted === structured) return result;
      // The fitted result is held to the tool's schema, as its handler's own output is.
      const checked = entry.tool.output.parse(fitted) as Structured;
      return {
        ...(result._meta && { _meta: result._meta }),
        content: [{ type: 'text', text: entry.render(checked) }],
        structuredContent: checked,
      };
    },
  });
}
