import { defineTool, z } from '@toolhost/core';

/** 2026-07-28 fixture (SEP-2322): one sampling request, keyed `capital_question`. */
export const testInputRequiredSampling = defineTool({
  name: 'test_input_required_result_sampling',
  description:
    "Asks the client's model a question through an input-required round trip (conformance fixture).",
  input: z.object({}),
  handler: async (_input, ctx) => {
    const answer = await ctx.sample(
      {
        messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
        maxTokens: 100,
      },
      { key: 'capital_question' },
    );
    return answer.content.type === 'text' ? answer.content.text : `[${answer.content.type}]`;
  },
});
