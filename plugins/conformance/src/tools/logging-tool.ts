import { defineTool, z } from '@toolhost/core';

/** 2026-07-28 fixture: logs during the call; the server must not send them unless the request set `_meta` logLevel. */
export const testLoggingTool = defineTool({
  name: 'test_logging_tool',
  description: 'Logs while it runs, for the no-log-without-logLevel check (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    await ctx.log('info', 'test_logging_tool ran');
    return 'Logged one message';
  },
});
