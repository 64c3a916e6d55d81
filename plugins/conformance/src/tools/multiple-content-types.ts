import { defineTool, toolResult, z } from '@toolhost/core';
import { PNG_BASE64 } from '../media';

export const testMultipleContentTypes = defineTool({
  name: 'test_multiple_content_types',
  description: 'Returns text, an image and a JSON resource together (conformance fixture).',
  input: z.object({}),
  handler: () =>
    toolResult({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG_BASE64, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
          },
        },
      ],
    }),
});
