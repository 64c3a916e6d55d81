import { defineTool, z } from '@toolhost/core';

const askFor = (field: string, message: string) => ({
  message,
  requestedSchema: {
    type: 'object' as const,
    properties: { [field]: { type: 'string' as const } },
    required: [field],
  },
});

/** 2026-07-28 fixture (SEP-2322): two questions in two rounds, `step1` then `step2`. */
export const testInputRequiredMultiRound = defineTool({
  name: 'test_input_required_result_multi_round',
  description: 'Asks two questions, one round trip each (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const name = await ctx.elicit(askFor('name', 'Step 1: What is your name?'), { key: 'step1' });
    const color = await ctx.elicit(askFor('color', 'Step 2: What is your favorite color?'), { key: 'step2' });
    return `Hello, ${String(name.content?.['name'])}! Your favorite color is ${String(color.content?.['color'])}.`;
  },
});
