/**
 * What a tool costs a model's context: the tokens of its `tools/list` entry, counted
 * with a real tokenizer (`gpt-tokenizer`, o200k_base, the encoding of current OpenAI
 * models; other vendors' tokenizers differ by some percent, the order of magnitude
 * and the comparison between tools hold). The encoding's tables take a few hundred
 * milliseconds to load, so they are loaded on first use, once per process, not when
 * the kernel starts.
 */

/** A tool as a model sees it in `tools/list`. */
export interface ToolListing {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: object;
  readonly outputSchema?: object;
}

/** Tokens per part of a tool listing; `total` counts the whole entry as sent (JSON, keys included). */
export interface ToolTokenCost {
  readonly name: number;
  /** Title and description. */
  readonly description: number;
  /** Input and output JSON Schemas. */
  readonly schemas: number;
  readonly total: number;
}

export interface TokenCounter {
  /** Tokens in `text`. */
  count(text: string): number;
  /** What listing `tool` costs a model's context, by part. */
  toolCost(tool: ToolListing): ToolTokenCost;
}

let loading: Promise<TokenCounter> | undefined;

/** The token counter; the tokenizer is loaded by the first call and shared by every later one. */
export function loadTokenCounter(): Promise<TokenCounter> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(({ countTokens }) => {
    const count = (text: string) => (text.length === 0 ? 0 : countTokens(text));
    return {
      count,
      toolCost(tool) {
        const listing = {
          name: tool.name,
          ...(tool.title !== undefined && { title: tool.title }),
          ...(tool.description !== undefined && { description: tool.description }),
          inputSchema: tool.inputSchema,
          ...(tool.outputSchema !== undefined && { outputSchema: tool.outputSchema }),
        };
        return {
          name: count(tool.name),
          description: count([tool.title, tool.description].filter((part) => part !== undefined).join('\n')),
          schemas:
            count(JSON.stringify(tool.inputSchema)) +
            (tool.outputSchema === undefined ? 0 : count(JSON.stringify(tool.outputSchema))),
          total: count(JSON.stringify(listing)),
        };
      },
    };
  });
  loading.catch(() => {
    loading = undefined; // a failed load is tried again by the next caller
  });
  return loading;
}

/** Whole-entry costs, counted once per listing object (static descriptors live as long as the process). */
const entryCosts = new WeakMap<object, number>();

/** What listing `tool` costs (its whole entry), counted once per listing object and cached. */
export function toolTokens(counter: TokenCounter, tool: ToolListing): number {
  let tokens = entryCosts.get(tool);
  if (tokens === undefined) {
    tokens = counter.toolCost(tool).total;
    entryCosts.set(tool, tokens);
  }
  return tokens;
}
