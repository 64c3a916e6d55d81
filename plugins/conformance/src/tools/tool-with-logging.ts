import { defineTool, z } from '@toolhost/core';

export const testToolWithLogging = defineTool({
  name: 'test_tool_with_logging',
  description: 'Sends three info log notifications while it runs (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    await ctx.log('info', 'Tool execution started');
    await ctx.log('info', 'Tool processing data');
    await ctx.log('info', 'Tool execution completed');
    return 'Tool with logging executed successfully';
  },
});
