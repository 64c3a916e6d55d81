import { defineTool, z } from '@toolhost/core';

/*
 * 2026-07-28 multi-round-trip fixtures (SEP-2322, SEP-2575): the tools the
 * conformance suite's input-required-* and server-stateless scenarios call.
 */

const schemaFor = <T extends 'string' | 'boolean'>(field: string, type: T) => ({
  type: 'object' as const,
  properties: { [field]: { type } as { type: T } },
  required: [field],
});

/** Asks for the client's roots under `client_roots`. */
export const testInputRequiredListRoots = defineTool({
  name: 'test_input_required_result_list_roots',
  description: 'Asks the client for its roots through an input-required round trip (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const { roots } = await ctx.listRoots({ key: 'client_roots' });
    return `Your roots: ${roots.map((root) => root.uri).join(', ') || '(none)'}`;
  },
});

/** One confirmation whose answer comes back with the signed requestState; says "state-ok" once it did. */
export const testInputRequiredRequestState = defineTool({
  name: 'test_input_required_result_request_state',
  description: 'Asks for a confirmation and checks the echoed requestState (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const answer = await ctx.elicit(
      { message: 'Please confirm', requestedSchema: schemaFor('ok', 'boolean') },
      { key: 'confirm' },
    );
    // Reaching here on a later round means the kernel verified the state's HMAC.
    return `state-ok: confirmed=${String(answer.content?.['ok'])}`;
  },
});

/** Elicitation, sampling and roots asked together, in one round. */
export const testInputRequiredMultipleInputs = defineTool({
  name: 'test_input_required_result_multiple_inputs',
  description: 'Asks for a name, a greeting and the roots at once (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const [name, greeting, roots] = await Promise.all([
      ctx.elicit(
        { message: 'What is your name?', requestedSchema: schemaFor('name', 'string') },
        { key: 'user_name' },
      ),
      ctx.sample(
        {
          messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }],
          maxTokens: 50,
        },
        { key: 'greeting' },
      ),
      ctx.listRoots({ key: 'client_roots' }),
    ]);
    const said = greeting.content.type === 'text' ? greeting.content.text : '(no text)';
    return `${said} ${String(name.content?.['name'])} (${roots.roots.length} roots)`;
  },
});

/** Its state is signed: a changed requestState is refused (-32602) before the handler runs. */
export const testInputRequiredTamperedState = defineTool({
  name: 'test_input_required_result_tampered_state',
  description: 'Asks for a confirmation; a tampered requestState is refused (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const answer = await ctx.elicit(
      { message: 'Please confirm', requestedSchema: schemaFor('ok', 'boolean') },
      { key: 'confirm' },
    );
    return `confirmed=${String(answer.content?.['ok'])}`;
  },
});

/** Asks only what the client declared it can answer. */
export const testInputRequiredCapabilities = defineTool({
  name: 'test_input_required_result_capabilities',
  description: 'Asks for input the client declared it supports, and nothing else (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const declared = ctx.clientCapabilities ?? {};
    const asks: Promise<unknown>[] = [];
    if (declared.sampling) {
      asks.push(
        ctx.sample(
          { messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 20 },
          { key: 'sampled' },
        ),
      );
    }
    if (declared.elicitation) {
      asks.push(
        ctx.elicit(
          { message: 'Your name?', requestedSchema: schemaFor('name', 'string') },
          { key: 'elicited' },
        ),
      );
    }
    await Promise.all(asks);
    return `Asked ${asks.length} question(s), only of declared capabilities.`;
  },
});

/** Needs sampling whatever the client declared: a client without it gets -32021 (SEP-2575). */
export const testMissingCapability = defineTool({
  name: 'test_missing_capability',
  description: 'Always needs sampling; clients that do not declare it get -32021 (conformance fixture).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    const answer = await ctx.sample(
      { messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 20 },
      { key: 'needs_sampling' },
    );
    return answer.content.type === 'text' ? answer.content.text : 'sampled';
  },
});

/** Elicits: the request's answer is an input-required result, never a request of the server's own on the stream. */
export const testStreamingElicitation = defineTool({
  name: 'test_streaming_elicitation',
  description: 'Asks for input while answering (conformance fixture for streaming diagnostics).',
  input: z.object({}),
  handler: async (_input, ctx) => {
    await ctx.log('info', 'about to ask for input');
    const answer = await ctx.elicit(
      { message: 'Continue?', requestedSchema: schemaFor('ok', 'boolean') },
      { key: 'continue' },
    );
    return `continue=${String(answer.content?.['ok'])}`;
  },
});
