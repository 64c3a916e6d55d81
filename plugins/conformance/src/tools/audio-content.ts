import { defineTool, toolResult, z } from '@toolhost/core';
import { WAV_BASE64 } from '../media';

export const testAudioContent = defineTool({
  name: 'test_audio_content',
  description: 'Returns a WAV clip (conformance fixture).',
  input: z.object({}),
  handler: () => toolResult({ content: [{ type: 'audio', data: WAV_BASE64, mimeType: 'audio/wav' }] }),
});
