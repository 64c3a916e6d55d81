import { defineTool, z } from '@toolhost/core';

/** 2026-07-28 fixture (SEP-2322): one elicitation, keyed `user_name`. */
export const testInputRequiredElicitation = defineTool({
  name: 'test_input_required_result_elicitation',
  description: 'Asks the user for their name through an input-required round trip (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const answer = await ctx.elicit(
      {
        message: 'What is your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
      { key: 'user_name' },
    );
    return `Hello, ${String(answer.content?.['name'] ?? 'stranger')}!`;
  },
});
