import {
  type CreateMessageResult,
  type ElicitResult,
  type InputRequests,
  inputRequired,
} from '@modelcontextprotocol/server';
import type { ToolContext } from '../api/context';

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

/**
 * `ctx.elicit`/`ctx.sample` for one round of a 2026-07-28 request: the n-th question
 * of the handler is answered from `answers` (this round's `inputResponses` and those
 * carried in `requestState`); the first unanswered one ends the round with an
 * InputRequiredSignal. Questions asked together (Promise.all) go out together.
 */
export function roundTripAsks(answers: Record<string, unknown>): Pick<ToolContext, 'elicit' | 'sample'> {
  const pending: Record<string, unknown> = {};
  let asked = 0;
  const ask = (kind: 'elicit' | 'sample', key: string | undefined, request: () => unknown) => {
    const name = key ?? `${kind}-${asked}`;
    asked++;
    if (name in answers) return Promise.resolve(answers[name]);
    pending[name] = request();
    return Promise.reject(new InputRequiredSignal(pending as never, answers));
  };
  return {
    elicit: (params, options) =>
      ask('elicit', options?.key, () => inputRequired.elicit(params)) as Promise<ElicitResult>,
    sample: (params, options) =>
      ask('sample', options?.key, () => inputRequired.createMessage(params)) as Promise<CreateMessageResult>,
  };
}

/** The input-required result that ends a round whose handler asked what it has no answer for yet. */
export function inputRequiredResult(signal: InputRequiredSignal) {
  return inputRequired({ inputRequests: signal.requests, requestState: encodeAnswers(signal.answers) });
}
