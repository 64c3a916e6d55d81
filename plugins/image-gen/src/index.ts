import { definePlugin, z } from '@toolhost/core';
import { gradioService, SPACE_ID } from '@toolhost/plugin-gradio';
import { imageSpace } from './image-space';
import { generateImage } from './tools/generate-image';

export { spaceArguments } from './tools/generate-image';

/** A fast public text-to-image Space with an MCP server (FLUX.1 [schnell]). */
export const DEFAULT_IMAGE_SPACE = 'evalstate/flux1_schnell';

/**
 * Basic image generation for everyone: `generate_image` calls a text-to-image
 * Gradio Space through the gradio plugin's proxy (same safety, timeout, token
 * forwarding and connection reuse as every proxied Space).
 */
export default definePlugin({
  id: 'image-gen',
  version: '0.1.0',
  title: 'Image generation',
  description: 'generate_image: text to image through a Gradio Space.',
  kernel: '^0.1.0',
  config: z
    .object({
      /** The text-to-image Space (`owner/name`). */
      space: z.string().regex(SPACE_ID, 'must look like "owner/name"').default(DEFAULT_IMAGE_SPACE),
      /** Which of its tools to call; the Space's first tool when not given. */
      tool: z.string().min(1).optional(),
    })
    .strict(),
  requires: { gradio: gradioService },
  provides: { space: imageSpace },
  setup: ({ config }) => ({ space: { space: config.space, ...(config.tool && { tool: config.tool }) } }),
  tools: [generateImage],
});
