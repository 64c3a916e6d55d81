import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, definePlugin, defineTool, type Principal, z } from '../src/api/index';
import { type AccessPolicy, Kernel, Selector } from '../src/kernel/internal';

const tool = (name: string) =>
  defineTool({ name, description: name, input: z.object({}), handler: () => name });
const plugin = (id: string, tools: string[]) => ({
  plugin: definePlugin({ id, version: '1.0.0', kernel: '^0.1.0', tools: tools.map(tool) }),
});

let kernel: Kernel;
beforeAll(async () => {
  kernel = await Kernel.fromPlugins(
    [
      plugin('hub', ['hf_whoami']),
      plugin('models', ['model_search', 'model_details']),
      plugin('datasets', ['dataset_search']),
      plugin('papers', ['paper_search']),
    ],
    { logger: pino({ level: 'silent' }) },
  );
});
afterAll(() => kernel.shutdown());

const policy: AccessPolicy = {
  anonymous: ['hub', 'models'],
  authenticated: 'all',
  plans: { trial: ['search'] },
  defaults: ['hub', 'models', 'datasets'],
  presets: { search: ['models', 'datasets', 'papers'] },
};
const user = (plan = 'free'): Principal => ({ id: 'user:a', name: 'a', kind: 'user', plan, scopes: [] });
const tools = (
  selector: Selector,
  principal: Principal,
  settings?: Parameters<Selector['select']>[1],
  hints?: Parameters<Selector['select']>[2],
) => [...selector.select(principal, settings, hints).tools.keys()].sort();

describe('selection: policy ∩ settings, narrowed by hints', () => {
  const selector = () => new Selector(policy, kernel.catalog, kernel.toolSets);

  it('gives callers without settings the defaults within their bound', () => {
    expect(tools(selector(), ANONYMOUS)).toEqual(['hf_whoami', 'model_details', 'model_search']);
    expect(tools(selector(), user())).toEqual([
      'dataset_search',
      'hf_whoami',
      'model_details',
      'model_search',
    ]);
  });

  it('uses saved settings, minus disabled tools, within the plan bound', () => {
    const settings = { plugins: ['models', 'papers'], disabledTools: ['model_details'], spaces: [] };
    expect(tools(selector(), user(), settings)).toEqual(['model_search', 'paper_search']);
    // The trial plan may only have the search preset: hub is dropped even if chosen.
    expect(
      tools(selector(), user('trial'), { plugins: ['hub', 'papers'], disabledTools: [], spaces: [] }),
    ).toEqual(['paper_search']);
  });

  it('narrows with ?plugins= and ?tools= but never widens past the bound', () => {
    expect(tools(selector(), ANONYMOUS, undefined, { plugins: ['models', 'papers'] })).toEqual([
      'model_details',
      'model_search',
    ]);
    expect(tools(selector(), ANONYMOUS, undefined, { plugins: ['papers'] })).toEqual([]);
    expect(tools(selector(), user(), undefined, { tools: ['model_search', 'paper_search'] })).toEqual([
      'model_search',
    ]);
  });

  it('replaces the selection with a preset (bouquet) and adds with mix, within the bound', () => {
    expect(tools(selector(), user(), undefined, { preset: 'search' })).toEqual([
      'dataset_search',
      'model_details',
      'model_search',
      'paper_search',
    ]);
    expect(tools(selector(), ANONYMOUS, undefined, { preset: 'search' })).toEqual([
      'model_details',
      'model_search',
    ]);
    expect(tools(selector(), user(), undefined, { mix: ['papers'] })).toContain('paper_search');
    expect(tools(selector(), ANONYMOUS, undefined, { mix: ['papers'] })).not.toContain('paper_search');
  });

  it('ignores an unknown preset rather than emptying the selection', () => {
    expect(tools(selector(), user(), undefined, { preset: 'nope' })).toEqual(tools(selector(), user()));
  });

  it('returns the same ToolSet for the same inputs', () => {
    const s = selector();
    expect(s.select(user(), undefined, { plugins: ['models'] })).toBe(
      s.select(user(), undefined, { plugins: ['models'] }),
    );
  });
});
