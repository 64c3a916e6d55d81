import { defineTool, z } from '@toolhost/core';

export const testSimpleText = defineTool({
  name: 'test_simple_text',
  description: 'Returns a fixed text (conformance fixture).',
  input: z.object({}),
  handler: () => 'This is a simple text response for testing.',
});
