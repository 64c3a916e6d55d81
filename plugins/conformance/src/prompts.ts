import { definePrompt, z } from '@toolhost/core';
import { PNG_BASE64 } from './media';

export const simplePrompt = definePrompt({
  name: 'test_simple_prompt',
  description: 'A prompt without arguments (conformance fixture).',
  get: () => 'This is a simple prompt for testing.',
});

const COMPLETIONS = ['paris', 'park', 'party', 'test', 'testing'];

export const promptWithArguments = definePrompt({
  name: 'test_prompt_with_arguments',
  description: 'A prompt with two arguments; arg1 completes (conformance fixture).',
  args: z.object({
    arg1: z.string().describe('First test argument'),
    arg2: z.string().describe('Second test argument'),
  }),
  complete: {
    arg1: (value) => COMPLETIONS.filter((word) => word.startsWith(value)),
    arg2: (value) => COMPLETIONS.filter((word) => word.startsWith(value)),
  },
  get: ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
});

export const promptWithEmbeddedResource = definePrompt({
  name: 'test_prompt_with_embedded_resource',
  description: 'A prompt that embeds the resource it is given (conformance fixture).',
  args: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
  get: ({ resourceUri }) => ({
    messages: [
      {
        role: 'user',
        content: {
          type: 'resource',
          resource: {
            uri: resourceUri,
            mimeType: 'text/plain',
            text: 'Embedded resource content for testing.',
          },
        },
      },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ],
  }),
});

export const promptWithImage = definePrompt({
  name: 'test_prompt_with_image',
  description: 'A prompt with an image (conformance fixture).',
  get: () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: PNG_BASE64, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }),
});

/** 2026-07-28 fixture (SEP-2322): a prompt that asks the client for context before it answers. */
export const promptWithInputRequired = definePrompt({
  name: 'test_input_required_result_prompt',
  description: 'Asks the client what context to use, then builds the prompt (conformance fixture).',
  get: async (_args, ctx) => {
    const answer = await ctx.elicit(
      {
        message: 'What context should the prompt use?',
        requestedSchema: {
          type: 'object',
          properties: { context: { type: 'string' } },
          required: ['context'],
        },
      },
      { key: 'user_context' },
    );
    return `Use this context: ${String(answer.content?.['context'] ?? '(none)')}`;
  },
});
