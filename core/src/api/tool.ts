import type { z } from 'zod';
import { TOOL_BRAND } from './brand';
import type { ContentBlock, ToolResult } from './content';
import type { ConfigOf, MaybePromise, ToolContext } from './context';
import { checkIcons, type Icon } from './icon';
import type { ConfigSchema } from './plugin';
import type { ServiceRefMap } from './service';

/** MCP tool names: 1–128 characters from [A-Za-z0-9_.-] (2025-11-25 guidance). */
export const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export interface ToolAnnotations {
  /** The tool does not modify its environment (→ `readOnlyHint`). */
  readOnly?: boolean;
  /** The tool may perform destructive updates (→ `destructiveHint`). */
  destructive?: boolean;
  /** Calling it again with the same arguments has no additional effect (→ `idempotentHint`). */
  idempotent?: boolean;
  /** The tool talks to an open world of external entities, e.g. the Hub (→ `openWorldHint`). */
  openWorld?: boolean;
}

/**
 * Whether a call may run as a task (the 2026-07-28 tasks extension): `never` (default)
 * answers every call on its request; `optional` runs the call as a task when the client
 * declares the extension, on its request otherwise; `required` runs it as a task and
 * refuses 2026-07-28 clients that do not declare the extension (-32021). 2025-era
 * clients know no tasks: their calls always run on the request.
 */
export type TaskSupport = 'never' | 'optional' | 'required';

export type InputSchema = z.ZodObject;
export type OutputSchema = z.ZodObject;

/** What a handler may return: structured data when the tool has an output schema, content otherwise. */
export type ToolReturn<O extends OutputSchema | undefined> =
  | (O extends OutputSchema ? z.input<O> : string | ContentBlock[])
  | ToolResult;

export interface ToolDefinition<
  I extends InputSchema,
  O extends OutputSchema | undefined,
  S extends ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = undefined,
> {
  /** Unique across all loaded plugins; what the model calls. */
  name: string;
  title?: string;
  /** Tell the model what the tool does and when to use it. */
  description: string;
  input: I;
  /** When set, the handler returns data of this shape, sent as `structuredContent`. */
  output?: O;
  /** Markdown shown to the model (and people) for structured output. Defaults to the JSON. */
  render?: O extends OutputSchema ? (output: z.output<O>) => string : never;
  annotations?: ToolAnnotations;
  /** Icons a client may show next to the tool (`https:` or `data:` sources only; see `Icon`). */
  icons?: Icon[];
  /** Quota units one call costs (default 1). */
  cost?: number;
  /** Per-call timeout in milliseconds (default: the kernel's `toolTimeoutMs`). */
  timeoutMs?: number;
  /** Whether calls may run as tasks that outlive the request (see `TaskSupport`; default `never`). */
  task?: TaskSupport;
  /**
   * For task tools: questions settled on the request before the task starts. It runs
   * with the handler's input and context; its `ctx.elicit`/`ctx.sample` are answered
   * by input-required round trips (2026-07-28), and the handler's questions with the
   * same `key` get those answers without asking again. Its return value is ignored.
   */
  prepare?(input: z.output<I>, ctx: ToolContext<S, ConfigOf<C>>): MaybePromise<void>;
  /** Services the handler uses; each must be required or provided by the plugin. */
  services?: S;
  /**
   * The part of the plugin's config this tool reads, as a schema: the kernel parses
   * the plugin's config with it once, at load (a mismatch fails the load), and the
   * handler gets the result as `ctx.config`. Without it, `ctx.config` is the whole
   * plugin config, loosely typed.
   */
  config?: C;
  handler(input: z.output<I>, ctx: ToolContext<S, ConfigOf<C>>): MaybePromise<ToolReturn<O>>;
}

export type Tool<
  I extends InputSchema = InputSchema,
  O extends OutputSchema | undefined = OutputSchema | undefined,
  S extends ServiceRefMap | undefined = ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = ConfigSchema | undefined,
> = Readonly<ToolDefinition<I, O, S, C>> & { readonly [TOOL_BRAND]: true };

/** Any tool, whatever its schemas and services: the element type of `definePlugin({ tools })`. */
// biome-ignore lint/suspicious/noExplicitAny: handler parameter types vary per tool; the kernel validates input at run time.
export type AnyTool = Tool<any, any, any, any>;

export function defineTool<
  I extends InputSchema,
  O extends OutputSchema | undefined = undefined,
  S extends ServiceRefMap | undefined = undefined,
  C extends ConfigSchema | undefined = undefined,
>(definition: ToolDefinition<I, O, S, C>): Tool<I, O, S, C> {
  if (!TOOL_NAME.test(definition.name)) {
    throw new TypeError(
      `defineTool: invalid tool name ${JSON.stringify(definition.name)} (1–128 of A-Z a-z 0-9 _ . -)`,
    );
  }
  if (definition.cost !== undefined && !(Number.isInteger(definition.cost) && definition.cost >= 0)) {
    throw new TypeError(`defineTool(${definition.name}): cost must be a non-negative integer`);
  }
  if (definition.task !== undefined && !['never', 'optional', 'required'].includes(definition.task)) {
    throw new TypeError(`defineTool(${definition.name}): task must be 'never', 'optional' or 'required'`);
  }
  if (definition.icons !== undefined) checkIcons(`defineTool(${definition.name})`, definition.icons);
  return Object.freeze({ ...definition, [TOOL_BRAND]: true as const });
}
