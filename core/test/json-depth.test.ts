import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, guardStdin, jsonDepthError } from '../src/kernel/internal';

describe('exceedsJsonDepth', () => {
  it.each([
    ['{}', 1],
    ['[]', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['[[[]],[[]]]', 3],
    ['"{{{{[[[["', 0],
    ['{"a":"\\\\"}', 1],
    ['{"a":"\\"{{{{"}', 1],
    ['{"a":"\\u007b"}', 1],
  ])('%s nests %i levels', (text, depth) => {
    expect(exceedsJsonDepth(text, depth)).toBe(false);
    if (depth > 0) expect(exceedsJsonDepth(text, depth - 1)).toBe(true);
  });

  it('scans a million levels without recursion', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    expect(exceedsJsonDepth(deep, 64)).toBe(true);
    expect(exceedsJsonDepth(deep, 1_000_000)).toBe(false);
  });
});

describe('guardStdin', () => {
  it('answers too-deep lines on stdout, passes the rest through, across chunk boundaries', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const guarded = guardStdin(stdin, stdout, 4);
    const passed: string[] = [];
    guarded.on('data', (chunk: Buffer) => passed.push(chunk.toString()));
    const answered: string[] = [];
    stdout.on('data', (chunk: Buffer) => answered.push(chunk.toString()));

    stdin.write('{"id":1,"p":{"a":[{}]}}\n{"id":2,"p":{"a":[{"b"');
    stdin.write(':[]}]}}\n{"id":3}');
    stdin.end('\n');
    await new Promise((resolve) => guarded.on('end', resolve));

    expect(passed.join('')).toBe('{"id":1,"p":{"a":[{}]}}\n{"id":3}\n');
    expect(answered.map((line) => JSON.parse(line))).toEqual([jsonDepthError(4)]);
    expect(jsonDepthError(4).error.message).toContain('nesting depth limit of 4');
  });

  it('answers lines that are not one JSON-RPC message object: not JSON (-32700), a batch or a number (-32600)', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const guarded = guardStdin(stdin, stdout, 64);
    const passed: string[] = [];
    guarded.on('data', (chunk: Buffer) => passed.push(chunk.toString()));
    const answered: string[] = [];
    stdout.on('data', (chunk: Buffer) => answered.push(chunk.toString()));
    stdin.end('{"id":1,"method":"ping"\n[{"id":2}]\n7\n{"jsonrpc":"2.0","id":3,"method":"ping"}\n');
    await new Promise((resolve) => guarded.on('end', resolve));
    expect(passed.join('')).toBe('{"jsonrpc":"2.0","id":3,"method":"ping"}\n');
    expect(answered.map((line) => JSON.parse(line).error.code)).toEqual([-32700, -32600, -32600]);
    for (const line of answered) expect(JSON.parse(line).id).toBeNull();
  });
});
