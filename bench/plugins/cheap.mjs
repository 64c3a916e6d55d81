// The cheap tool the benchmark calls: no I/O, so the numbers measure Toolhost itself.
import { definePlugin, defineTool, z } from '@toolhost/core';

export default definePlugin({
  id: 'cheap',
  version: '1.0.0',
  kernel: '^0.1.0',
  tools: [
    defineTool({
      name: 'add',
      description: 'Add two numbers.',
      input: z.object({ a: z.number(), b: z.number() }),
      annotations: { readOnly: true },
      handler: ({ a, b }) => String(a + b),
    }),
  ],
});
