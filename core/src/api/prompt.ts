import type { z } from 'zod';
import { PROMPT_BRAND } from './brand';
import type { ContentBlock } from './content';
import type { MaybePromise, RequestContext } from './context';
import type { ServiceRefMap } from './service';

export interface PromptMessage {
  role: 'user' | 'assistant';
  content: ContentBlock;
}

/** A prompt's answer: one user message of text, or full messages. */
export type PromptReturn = string | { description?: string; messages: PromptMessage[] };

/** Prompt arguments are strings on the wire; the schema is an object of (optional) strings. */
export type PromptArgs = z.ZodObject;

export interface PromptDefinition<A extends PromptArgs | undefined, S extends ServiceRefMap | undefined> {
  name: string;
  title?: string;
  description?: string;
  args?: A;
  /** Completion for argument values (`completion/complete`). */
  complete?: Record<string, (value: string) => MaybePromise<string[]>>;
  services?: S;
  get(
    args: A extends PromptArgs ? z.output<A> : Record<string, never>,
    ctx: RequestContext<S>,
  ): MaybePromise<PromptReturn>;
}

export type Prompt<
  A extends PromptArgs | undefined = PromptArgs | undefined,
  S extends ServiceRefMap | undefined = ServiceRefMap | undefined,
> = Readonly<PromptDefinition<A, S>> & { readonly [PROMPT_BRAND]: true };

// biome-ignore lint/suspicious/noExplicitAny: argument and service types vary per prompt.
export type AnyPrompt = Prompt<any, any>;

export function definePrompt<
  A extends PromptArgs | undefined = undefined,
  S extends ServiceRefMap | undefined = undefined,
>(definition: PromptDefinition<A, S>): Prompt<A, S> {
  return Object.freeze({ ...definition, [PROMPT_BRAND]: true as const });
}
