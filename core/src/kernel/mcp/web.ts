import type { McpHttpRequest, McpHttpResponse } from './http-types';

/** Web-standard plumbing shared by the MCP HTTP paths (stateless, sessions, SSE). */

/** A single-valued request header (a repeated one counts as absent). */
export const header = (value: string | string[] | undefined) =>
  typeof value === 'string' ? value : undefined;

/**
 * The web `Request` the SDK serves. `abortable: false` leaves out the cancellation signal
 * for paths that never read it (the Streamable HTTP transport does not; only the modern
 * handler does): undici registers a signal-bearing `Request` in a FinalizationRegistry
 * whose entry keeps the signal and its listener alive until a cleanup task after the GC
 * that finds the `Request` dead, which promotes that garbage on every request
 * (bench/README.md, "One session over 100k requests").
 */
export function toWebRequest(request: McpHttpRequest, { abortable = true } = {}): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const hasBody = request.method === 'POST';
  return new Request(request.url, {
    method: request.method,
    headers,
    ...(abortable && { signal: request.cancellation.signal }),
    ...(hasBody && {
      body: request.rawBody ?? (request.body === undefined ? '' : JSON.stringify(request.body)),
    }),
  });
}

export function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** Pass a stream through, running `done` once when it ends or the client cancels it. */
export function onStreamEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason).catch(() => {});
    },
  });
}

/** A JSON-RPC error answered at the HTTP level (no request id: the request was not dispatched). */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): McpHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }),
  };
}

const OPENING_COMMENT = new TextEncoder().encode(': stream open\n\n');

/**
 * Start a long-lived SSE stream with a comment line. Node sends response headers
 * with the first body bytes, and a GET stream may stay silent for minutes: without
 * this the client would not see its stream open until the first event.
 */
export function withOpeningComment(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let opened = false;
  return new ReadableStream({
    async pull(controller) {
      if (!opened) {
        opened = true;
        controller.enqueue(OPENING_COMMENT);
        return;
      }
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: (reason) => reader.cancel(reason).catch(() => {}),
  });
}
