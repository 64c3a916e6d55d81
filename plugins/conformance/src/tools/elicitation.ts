import { defineTool, z } from '@toolhost/core';

export const testElicitation = defineTool({
  name: 'test_elicitation',
  description: 'Asks the user for a username and email (elicitation; conformance fixture).',
  input: z.object({ message: z.string().describe('The message shown to the user') }),
  handler: async ({ message }, ctx) => {
    const result = await ctx.elicit({
      message,
      requestedSchema: {
        type: 'object',
        properties: {
          username: { type: 'string', description: "User's response" },
          email: { type: 'string', description: "User's email address" },
        },
        required: ['username', 'email'],
      },
    });
    return `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  },
});
