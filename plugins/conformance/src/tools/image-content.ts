import { defineTool, toolResult, z } from '@toolhost/core';
import { PNG_BASE64 } from '../media';

export const testImageContent = defineTool({
  name: 'test_image_content',
  description: 'Returns a PNG image (conformance fixture).',
  input: z.object({}),
  handler: () => toolResult({ content: [{ type: 'image', data: PNG_BASE64, mimeType: 'image/png' }] }),
});
