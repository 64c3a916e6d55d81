import type { z } from 'zod';
import { PROMPT_BRAND } from './brand';
import type { ContentBlock } from './content';
import type { ConfigOf, MaybePromise, PromptContext } from './context';
import type { ConfigSchema } from './plugin';
import type { ServiceRefMap } from './service';

export interface PromptMessage {
  role: 'user' | 'assistant';
  content: ContentBlock;
}

/** A prompt's answer: one user message of text, or full messages. */
export type PromptReturn = string | { description?: string; messages: PromptMessage[] };

/** Prompt arguments are strings on the wire; the schema is an object of (optional) strings. */
export type PromptArgs = z.ZodObject;

export interface PromptDefinition<
  A extends PromptArgs | undefined,
  S extends ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = undefined,
> {
  name: string;
  title?: string;
  description?: string;
  args?: A;
  /** Completion for argument values (`completion/complete`). */
  complete?: Record<string, (value: string) => MaybePromise<string[]>>;
  services?: S;
  /** The part of the plugin's config `get` uses (`ctx.config`), as for tools. */
  config?: C;
  get(
    args: A extends PromptArgs ? z.output<A> : Record<string, never>,
    ctx: PromptContext<S, ConfigOf<C>>,
  ): MaybePromise<PromptReturn>;
}

export type Prompt<
  A extends PromptArgs | undefined = PromptArgs | undefined,
  S extends ServiceRefMap | undefined = ServiceRefMap | undefined,
  C extends ConfigSchema | undefined = ConfigSchema | undefined,
> = Readonly<PromptDefinition<A, S, C>> & { readonly [PROMPT_BRAND]: true };

// biome-ignore lint/suspicious/noExplicitAny: argument and service types vary per prompt.
export type AnyPrompt = Prompt<any, any, any>;

export function definePrompt<
  A extends PromptArgs | undefined = undefined,
  S extends ServiceRefMap | undefined = undefined,
  C extends ConfigSchema | undefined = undefined,
>(definition: PromptDefinition<A, S, C>): Prompt<A, S, C> {
  return Object.freeze({ ...definition, [PROMPT_BRAND]: true as const });
}
