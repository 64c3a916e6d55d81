/**
 * `startTestKernel`: the real kernel with the plugins given, a real SDK client over
 * an in-memory transport, in both protocol eras, with a principal, settings and env.
 */
import { createServiceRef, definePlugin, defineTool, defineToolSource, ToolError, z } from '@toolhost/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Era, startTestKernel, type TestKernel } from '../src/index';

const shutdowns: string[] = [];
const greeting = createServiceRef<{ greet(name: string): string }>('test.greeting');

const greet = defineTool({
  name: 'greet',
  title: 'Greet someone',
  description: 'Say hello.',
  input: z.object({ name: z.string().min(1) }),
  output: z.object({ text: z.string(), caller: z.string() }),
  render: ({ text }) => text,
  annotations: { readOnly: true },
  services: { greeting },
  handler: ({ name }, ctx) => {
    if (name === 'nobody') throw new ToolError('There is nobody to greet.');
    return { text: ctx.services.greeting.greet(name), caller: ctx.principal.id };
  },
});

const plugin = definePlugin({
  id: 'greeter',
  version: '1.0.0',
  kernel: '^0.1.0',
  config: z.object({ salutation: z.string().default('Hello') }),
  provides: { greeting },
  setup: ({ config, env, onShutdown }) => {
    onShutdown(() => {
      shutdowns.push('greeter');
    });
    const suffix = env['GREETER_SUFFIX'] ?? '';
    return { greeting: { greet: (name: string) => `${config.salutation}, ${name}!${suffix}` } };
  },
  userSettings: z.object({ extraTools: z.array(z.string()).default([]) }),
  toolSource: defineToolSource({
    tools: ({ settings }) =>
      (settings['extraTools'] as string[]).map((name) => ({
        name,
        description: `the ${name} tool`,
        inputSchema: { type: 'object' },
        handler: () => name,
      })),
  }),
  tools: [greet],
});

let running: TestKernel | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('startTestKernel', () => {
  it.each<Era>(['legacy', 'modern'])('lists and calls a plugin tool in the %s era', async (era) => {
    running = await startTestKernel({ plugins: [plugin], era });
    const tools = await running.listTools();
    expect(tools.map((t) => t.name)).toEqual(['greet']);
    expect(tools[0]).toMatchObject({ title: 'Greet someone', annotations: { readOnlyHint: true } });
    const result = await running.callTool('greet', { name: 'Ada' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ text: 'Hello, Ada!', caller: 'anonymous' });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, Ada!' }]);
  });

  it('answers failures as a model sees them: ToolError and invalid input as isError results', async () => {
    running = await startTestKernel({ plugins: [plugin] });
    const refused = await running.callTool('greet', { name: 'nobody' });
    expect(refused).toMatchObject({ isError: true, content: [{ text: 'There is nobody to greet.' }] });
    const invalid = await running.callTool('greet', { name: '' });
    expect(invalid.isError).toBe(true);
    expect(JSON.stringify(invalid.content)).toMatch(/name/);
  });

  it('gives the plugin its config and env, and runs its shutdown hooks on close', async () => {
    running = await startTestKernel({
      plugins: [plugin],
      config: { greeter: { salutation: 'Ahoy' } },
      env: { GREETER_SUFFIX: ' (test)' },
    });
    const result = await running.callTool('greet', { name: 'Grace' });
    expect(result.structuredContent).toMatchObject({ text: 'Ahoy, Grace! (test)' });
    shutdowns.length = 0;
    await running.close();
    expect(shutdowns).toEqual(['greeter']);
  });

  it('refuses a config the plugin schema rejects, naming the field', async () => {
    await expect(startTestKernel({ plugins: [{ plugin, config: { salutation: 42 } }] })).rejects.toThrow(
      /plugins\[0\] \(greeter\): invalid config: config\.salutation/,
    );
  });

  it('calls as a signed-in user with saved settings', async () => {
    running = await startTestKernel({
      plugins: [plugin],
      principal: { user: 'alice', plan: 'pro' },
      settings: { plugins: ['greeter'], extraTools: ['alpha', 'beta'] },
    });
    expect((await running.listTools()).map((t) => t.name).toSorted()).toEqual(['alpha', 'beta', 'greet']);
    const result = await running.callTool('greet', { name: 'Ada' });
    expect(result.structuredContent).toMatchObject({ caller: expect.stringContaining('alice') });
    expect((await running.callTool('beta')).content).toEqual([{ type: 'text', text: 'beta' }]);
  });

  it('refuses settings for an anonymous caller', async () => {
    await expect(startTestKernel({ plugins: [plugin], settings: { extraTools: [] } })).rejects.toThrow(
      /settings` needs a signed-in principal/,
    );
  });
});
