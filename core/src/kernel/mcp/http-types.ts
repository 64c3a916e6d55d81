import type { Cancellation } from '../cancellation';
import type { McpCaller } from './caller';

/** One HTTP request to the MCP endpoint, as the web framework hands it to the kernel. */
export interface McpHttpRequest {
  /** Which MCP endpoint was asked: Streamable HTTP (`/mcp`, the default) or HTTP+SSE's `/sse` and `/messages`. */
  readonly endpoint?: 'mcp' | 'sse' | 'messages';
  /** HTTP method: POST, GET or DELETE. */
  readonly method: string;
  /** Absolute URL of the request (used to build the SDK's web Request). */
  readonly url: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, `undefined` when there was none. */
  readonly body: unknown;
  /** The raw body text when it was not valid JSON (the SDK answers the parse error). */
  readonly rawBody?: string;
  /** Cancelled when the client disconnects; its AbortSignal is made only if something asks. */
  readonly cancellation: Cancellation;
  readonly caller: McpCaller;
}

/** A complete answer (status, headers, body text), or a web Response to stream (SSE). */
export type McpHttpResponse =
  | {
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string | Uint8Array | null;
    }
  | { readonly response: Response };
