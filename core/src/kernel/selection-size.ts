import { loadTokenCounter, toolTokens } from './token-cost';
import type { ToolSet } from './toolset';

/**
 * How big a caller's selection is, as its `tools/list` answer shows it: how many
 * tools, and what the listing costs a model's context window in tokens. `tokens` is
 * undefined until counted: the count runs once per tool set, after the answer that
 * first asked for it, never on a request's path.
 */
export interface SelectionSize {
  readonly tools: number;
  readonly tokens?: number;
}

const MEMO_KEY = 'selection-size';

/** The size of a tool set's listing; the same object every time, its `tokens` filled in once counted. */
export function selectionSize(toolSet: ToolSet): SelectionSize {
  const known = toolSet.memo.get(MEMO_KEY) as SelectionSize | undefined;
  if (known) return known;
  // What is listed: in discovery mode fewer tools than the selection holds.
  const listed = toolSet.listResult().tools;
  const size: { tools: number; tokens?: number } = { tools: listed.length };
  toolSet.memo.set(MEMO_KEY, size);
  loadTokenCounter().then(
    (counter) => {
      size.tokens = listed.reduce((sum, tool) => sum + toolTokens(counter, tool), 0);
    },
    () => {}, // no tokenizer: the size says how many tools only
  );
  return size;
}
