import { defineTool, z } from '@toolhost/core';

export const testToolWithProgress = defineTool({
  name: 'test_tool_with_progress',
  description: 'Reports progress 0, 50 and 100 of 100 (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    for (const step of [0, 50, 100]) await ctx.progress(step, 100, `Completed step ${step / 50 + 1} of 3`);
    return 'Progress test completed';
  },
});
