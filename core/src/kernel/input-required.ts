import type { InputRequests } from '@modelcontextprotocol/server';

/**
 * Thrown by `ctx.elicit()` / `ctx.sample()` on a 2026-07-28 request whose answer the
 * client has not given yet. The SDK path turns it into an `InputRequiredResult`; the
 * client answers and calls again, and the handler runs again from the start, this
 * time finding its answers (multi-round-trip requests, SEP-2322).
 */
export class InputRequiredSignal extends Error {
  override readonly name = 'InputRequiredSignal';

  constructor(
    readonly requests: InputRequests,
    /** Every answer so far, carried to the next round in `requestState`. */
    readonly answers: Record<string, unknown>,
  ) {
    super('The client must answer input requests first');
  }
}

/** Answers travel between rounds in `requestState` as base64url JSON: the client's own input, echoed back. */
export function encodeAnswers(answers: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(answers)).toString('base64url');
}

export function decodeAnswers(state: unknown): Record<string, unknown> {
  if (typeof state !== 'string' || state === '') return {};
  try {
    const value = JSON.parse(Buffer.from(state, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
