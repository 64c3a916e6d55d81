import { defineTool, toolResult, z } from '@toolhost/core';

export const testEmbeddedResource = defineTool({
  name: 'test_embedded_resource',
  description: 'Returns an embedded text resource (conformance fixture).',
  input: z.object({}),
  handler: () =>
    toolResult({
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    }),
});
