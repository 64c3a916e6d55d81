import { defineMiddleware, z } from '@toolhost/core';

/**
 * Every successful result of this plugin's tools ends with the data's attribution,
 * which the data's licence asks for. A middleware, so no tool can forget it.
 */
export const attribution = defineMiddleware({
  name: 'attribution',
  config: z.object({ attribution: z.string() }),
  async handle({ ctx }, next) {
    const result = await next();
    if (result.isError) return result;
    return { ...result, content: [...result.content, { type: 'text', text: `_${ctx.config.attribution}_` }] };
  },
});
