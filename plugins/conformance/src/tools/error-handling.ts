import { defineTool, ToolError, z } from '@toolhost/core';

export const testErrorHandling = defineTool({
  name: 'test_error_handling',
  description: 'Always fails with an isError result (conformance fixture).',
  input: z.object({}),
  handler: () => {
    throw new ToolError('This tool intentionally returns an error for testing');
  },
});
