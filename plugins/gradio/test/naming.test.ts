import { describe, expect, it } from 'vitest';
import { MAX_TOOL_NAME, nameTools, proxiedToolName, spacePrefix } from '../src/naming';

describe('proxied tool names', () => {
  it('prefix the tool with owner and Space, in tool-name characters', () => {
    expect(spacePrefix('evalstate/flux1.schnell')).toBe('evalstate_flux1_schnell');
    expect(proxiedToolName('evalstate/flux1_schnell', 'infer')).toBe('evalstate_flux1_schnell_infer');
  });

  it('cut long names to 64 characters, ending with a hash that keeps them apart', () => {
    const long = 'a'.repeat(80);
    const one = proxiedToolName('owner/space', long);
    const two = proxiedToolName('owner/space', `${long}b`);
    expect(one).toHaveLength(MAX_TOOL_NAME);
    expect(one).toMatch(/^owner_space_a+_[0-9a-f]{6}$/);
    expect(two).not.toBe(one);
    expect(proxiedToolName('owner/space', long)).toBe(one);
  });

  it('resolve collisions the same way whatever the order', () => {
    const a = { spaceId: 'a.b/c', tool: 'run' };
    const b = { spaceId: 'a_b/c', tool: 'run' };
    const c = { spaceId: 'x/y', tool: 'run' };
    const forward = nameTools([a, b, c]);
    const backward = nameTools([c, b, a]);
    expect(forward.get(c)).toBe('x_y_run');
    expect(forward.get(a)).not.toBe(forward.get(b));
    expect(forward.get(a)).toMatch(/^a_b_c_run_[0-9a-f]{6}$/);
    expect(backward.get(a)).toBe(forward.get(a));
    expect(backward.get(b)).toBe(forward.get(b));
  });
});
