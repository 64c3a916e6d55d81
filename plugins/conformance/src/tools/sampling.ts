import { defineTool, z } from '@toolhost/core';

export const testSampling = defineTool({
  name: 'test_sampling',
  description: "Asks the client's model to answer a prompt (sampling; conformance fixture).",
  input: z.object({ prompt: z.string().describe('The prompt to send to the model') }),
  handler: async ({ prompt }, ctx) => {
    const result = await ctx.sample({
      messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
      maxTokens: 100,
    });
    const text = result.content.type === 'text' ? result.content.text : `[${result.content.type}]`;
    return `LLM response: ${text}`;
  },
});
