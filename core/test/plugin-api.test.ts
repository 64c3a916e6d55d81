import { describe, expect, it } from 'vitest';
import {
  createServiceRef,
  definePlugin,
  definePrompt,
  defineResource,
  defineTool,
  isToolError,
  ToolError,
  toolResult,
  z,
} from '../src/api/index';

const brand = (value: unknown, name: string) => (value as Record<symbol, unknown>)[Symbol.for(name)];
const tool = defineTool({
  name: 'echo',
  description: 'Echo',
  input: z.object({ text: z.string() }),
  handler: ({ text }) => text,
});

describe('public plugin API', () => {
  it('defineTool freezes and brands the definition, keeping its fields', () => {
    expect(Object.isFrozen(tool)).toBe(true);
    expect(tool.name).toBe('echo');
    expect(brand(tool, 'toolhost.tool')).toBe(true);
  });

  it('defineTool rejects names MCP clients cannot call', () => {
    for (const name of ['', 'has space', 'slash/name', 'x'.repeat(129), 'ünïcode']) {
      expect(() => defineTool({ name, description: 'x', input: z.object({}), handler: () => '' })).toThrow(
        /invalid tool name/,
      );
    }
  });

  it('defineTool rejects a negative or fractional quota cost', () => {
    expect(() =>
      defineTool({ name: 't', description: 'x', input: z.object({}), cost: -1, handler: () => '' }),
    ).toThrow(/cost/);
    expect(() =>
      defineTool({ name: 't', description: 'x', input: z.object({}), cost: 0.5, handler: () => '' }),
    ).toThrow(/cost/);
  });

  it('definePlugin brands, freezes and copies its lists', () => {
    const tools = [tool];
    const plugin = definePlugin({ id: 'echoes', version: '1.0.0', kernel: '^0.1.0', tools });
    tools.push(tool);
    expect(plugin.tools).toHaveLength(1);
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(Object.isFrozen(plugin.tools)).toBe(true);
    expect(plugin.resources).toEqual([]);
    expect(brand(plugin, 'toolhost.plugin')).toBe(true);
  });

  it('definePlugin rejects ids that cannot name a package', () => {
    for (const id of ['', 'Upper', '1starts-with-digit', 'under_score', 'a'.repeat(65)]) {
      expect(() => definePlugin({ id, version: '1.0.0', kernel: '^0.1.0' })).toThrow(/invalid plugin id/);
    }
  });

  it('createServiceRef validates ids and carries them', () => {
    expect(createServiceRef<number>('hub').id).toBe('hub');
    expect(() => createServiceRef('Bad Id')).toThrow(/invalid service id/);
  });

  it('defineResource needs a uri or a template', () => {
    expect(() => defineResource({ name: 'x', read: () => '' } as never)).toThrow(/uri or uriTemplate/);
    expect(defineResource({ uriTemplate: 'x://{id}', name: 'x', read: () => '' }).uriTemplate).toBe(
      'x://{id}',
    );
  });

  it('definePrompt brands its definition', () => {
    const prompt = definePrompt({ name: 'p', get: () => 'hi' });
    expect(brand(prompt, 'toolhost.prompt')).toBe(true);
  });

  it('ToolError carries its message and meta, and is recognised', () => {
    const error = new ToolError('No model named x', { meta: { retryAfter: 3 } });
    expect(isToolError(error)).toBe(true);
    expect(isToolError(new Error('x'))).toBe(false);
    expect(error.meta).toEqual({ retryAfter: 3 });
  });

  it('toolResult brands a full result', () => {
    const result = toolResult({ content: [{ type: 'text', text: 'x' }], isError: true });
    expect(result.isError).toBe(true);
    expect(brand(result, 'toolhost.tool-result')).toBe(true);
  });
});
