import { randomBytes } from 'node:crypto';
import {
  type CreateMessageResult,
  createRequestStateCodec,
  type ElicitResult,
  type InputRequests,
  inputRequired,
  type ListRootsResult,
  ProtocolError,
  ProtocolErrorCode,
  type RequestStateCodec,
  type ServerContext,
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

/** What a round's `requestState` carries: the answers so far, whose exchange it is, and for what. */
interface SealedState {
  /** Every answer so far. */
  readonly a: Record<string, unknown>;
  /** The caller's account: state minted for one caller is refused from another. */
  readonly o: string;
  /** The method and its target (tool or prompt name, resource URI). */
  readonly t: string;
}

/**
 * `requestState` integrity (SEP-2322): answers travel between rounds through the
 * client, HMAC-signed with the server's key (the SDK's codec, with an expiry), so a
 * client cannot forge earlier answers, replay another caller's state or move state
 * to another tool. Signed, not encrypted: the client can read its own answers back.
 * Every instance behind one endpoint must share the key (`server.requestStateKey`
 * or TOOLHOST_REQUEST_STATE_KEY); without one a process picks a random key.
 */
export class RequestStateSeal {
  private readonly codec: RequestStateCodec<SealedState>;

  constructor(key: string | Uint8Array = randomBytes(32), ttlSeconds = 600) {
    this.codec = createRequestStateCodec<SealedState>({ key, ttlSeconds });
  }

  mint(answers: Record<string, unknown>, owner: string, target: string): Promise<string> {
    return this.codec.mint({ a: answers, o: owner, t: target });
  }

  /** The SDK's `requestState.verify` hook for one caller's server: any failure is its -32602. */
  verifier(owner: string): (state: string, ctx: ServerContext) => Promise<SealedState> {
    return async (state, ctx) => {
      const sealed = await this.codec.verify(state, ctx);
      if (sealed.o !== owner) throw new Error('owner');
      return sealed;
    };
  }
}

/** The answers in a verified state, checked to belong to this method and target (else the SDK's tampered-state error). */
export function answersOf(state: unknown, target: string): Record<string, unknown> {
  if (state === undefined) return {};
  const sealed = state as Partial<SealedState>;
  if (typeof sealed !== 'object' || sealed === null || sealed.t !== target) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid or expired requestState', {
      reason: 'invalid_request_state',
    });
  }
  return sealed.a ?? {};
}

/**
 * `ctx.elicit`/`ctx.sample` for one round of a 2026-07-28 request: the n-th question
 * of the handler is answered from `answers` (this round's `inputResponses` and those
 * carried in `requestState`); the first unanswered one ends the round with an
 * InputRequiredSignal. Questions asked together (Promise.all) go out together.
 */
export function roundTripAsks(
  answers: Record<string, unknown>,
): Pick<ToolContext, 'elicit' | 'sample' | 'listRoots'> {
  const pending: Record<string, unknown> = {};
  let asked = 0;
  const ask = (kind: 'elicit' | 'sample' | 'roots', key: string | undefined, request: () => unknown) => {
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
    listRoots: (options) =>
      ask('roots', options?.key, () => inputRequired.listRoots()) as Promise<ListRootsResult>,
  };
}

/** The input-required result that ends a round whose handler asked what it has no answer for yet. */
export async function inputRequiredResult(
  signal: InputRequiredSignal,
  seal: RequestStateSeal,
  owner: string,
  target: string,
) {
  return inputRequired({
    inputRequests: signal.requests,
    requestState: await seal.mint(signal.answers, owner, target),
  });
}
