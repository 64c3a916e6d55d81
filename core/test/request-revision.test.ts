/**
 * The protocol revision recorded with each request (the dashboard's revision
 * adoption): the 2026 envelope's, else the header's, else initialize's; only
 * revisions the server serves, so a client cannot grow the set of values kept.
 */
import { describe, expect, it } from 'vitest';
import { revisionOf } from '../src/kernel/mcp/request-report';

const post = (body: unknown, headers: Record<string, string> = {}) => ({ headers, body });

describe('revisionOf', () => {
  it("takes a 2026 request's revision from its classification", () => {
    const outcome = {
      kind: 'modern',
      messageKind: 'request',
      message: {},
      classification: { era: 'modern', revision: '2026-07-28' },
    } as never;
    expect(revisionOf(post({ method: 'tools/list' }), outcome)).toBe('2026-07-28');
  });

  it('takes a 2025 request’s revision from MCP-Protocol-Version, else from initialize', () => {
    const legacy = { kind: 'legacy', reason: 'no-claim' } as never;
    expect(revisionOf(post({ method: 'tools/list' }, { 'mcp-protocol-version': '2025-06-18' }), legacy)).toBe(
      '2025-06-18',
    );
    const initialize = { method: 'initialize', params: { protocolVersion: '2025-03-26' } };
    expect(revisionOf(post(initialize), legacy)).toBe('2025-03-26');
    expect(revisionOf(post({ method: 'tools/list' }), legacy)).toBeUndefined();
  });

  it('keeps only revisions the server serves', () => {
    const legacy = { kind: 'legacy', reason: 'initialize' } as never;
    expect(revisionOf(post({}, { 'mcp-protocol-version': 'x'.repeat(500) }), legacy)).toBeUndefined();
    const invented = { method: 'initialize', params: { protocolVersion: '1999-01-01' } };
    expect(revisionOf(post(invented), legacy)).toBeUndefined();
    expect(
      revisionOf(post({ method: 'initialize', params: { protocolVersion: 7 } }), legacy),
    ).toBeUndefined();
  });
});
