import { z } from '@toolhost/core';

/** The rule of thumb for English text and JSON: about four characters per token. */
export const CHARS_PER_TOKEN = 4;

/** The `maxTokens` option of every tool plugin's config. */
export const maxTokensOption = z
  .number()
  .int()
  .min(500)
  .max(200_000)
  .default(8_000)
  .describe('Size budget of one tool result, in tokens (about 4 characters each)');

/** Fields never shortened: they identify things, and a clipped link is worse than none. */
const KEEP_WHOLE = new Set(['id', 'url', 'host', 'source', 'notice', 'truncated', 'nextOffset']);

type ListKey<O> = { [K in keyof O]: O[K] extends readonly unknown[] ? K : never }[keyof O];

/**
 * Keeps a tool result within a size budget. The size is what a client may put in a
 * model's context: the markdown text plus the structured JSON. Lists lose their
 * last items first (results come best first); if that is not enough, long strings
 * and long nested lists are shortened. Either way `truncated` says what happened,
 * and the tool's render shows it.
 */
export class ResultBudget {
  readonly maxChars: number;

  constructor(readonly maxTokens: number) {
    this.maxChars = maxTokens * CHARS_PER_TOKEN;
  }

  size<O>(output: O, render: (output: O) => string): number {
    return render(output).length + JSON.stringify(output).length;
  }

  /**
   * `renderedLength`, when the caller already holds `output`'s rendered text, saves
   * rendering it again for the first check: most results fit, and that check is
   * then all the budget costs.
   */
  fit<O extends { truncated?: string | undefined }>(
    output: O,
    render: (output: O) => string,
    list?: ListKey<O>,
    renderedLength?: number,
  ): O {
    const size =
      renderedLength === undefined
        ? this.size(output, render)
        : renderedLength + JSON.stringify(output).length;
    if (size <= this.maxChars) return output;
    let fitted = output;
    if (list !== undefined) {
      const items = output[list] as unknown as unknown[];
      const withCount = (count: number): O => ({
        ...output,
        [list]: items.slice(0, count),
        truncated: `Showing ${count} of ${items.length} results to stay within this tool's budget of ${this.maxTokens.toLocaleString('en-US')} tokens; ask for fewer (limit) or narrow the query to see others.`,
      });
      // The largest count that fits, by bisection: each probe renders the whole result.
      let low = 0;
      let high = items.length - 1;
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (this.size(withCount(middle), render) <= this.maxChars) low = middle;
        else high = middle - 1;
      }
      if (low > 0) return withCount(low);
      // Not even one item fits whole: keep the best one and shorten it below.
      fitted = withCount(Math.min(1, items.length));
    }
    for (let cap = 4_000; cap >= 100; cap = Math.floor(cap / 2)) {
      const shortened = {
        ...(shorten(fitted, cap, Math.max(5, Math.floor(cap / 20))) as O),
        truncated: `${fitted.truncated ? `${fitted.truncated} ` : ''}Long fields were shortened to stay within this tool's budget of ${this.maxTokens.toLocaleString('en-US')} tokens.`,
      };
      if (this.size(shortened, render) <= this.maxChars || cap < 200) return shortened;
    }
    return fitted;
  }
}

/** Copy of `value` with strings clipped to `chars` and arrays to `items` (identifying fields kept). */
function shorten(value: unknown, chars: number, items: number, key?: string): unknown {
  if (key !== undefined && KEEP_WHOLE.has(key)) return value;
  if (typeof value === 'string') return value.length > chars ? `${value.slice(0, chars - 1)}…` : value;
  if (Array.isArray(value)) return value.slice(0, items).map((item) => shorten(item, chars, items));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v, chars, items, k)]));
  }
  return value;
}
