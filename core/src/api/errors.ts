/**
 * An expected failure a model can act on ("no model named X", "rate limited, retry in
 * 30 s"). The kernel turns it into an `isError` tool result carrying exactly this
 * message. Any other thrown error is treated as an internal fault: it is logged and
 * the caller gets a generic message with the request id, never the internal text.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  /** Optional machine-readable hints, sent to the client in the result's `_meta`. */
  readonly meta: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, options?: { cause?: unknown; meta?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.meta = options?.meta;
  }
}

export function isToolError(error: unknown): error is ToolError {
  return error instanceof ToolError || (error instanceof Error && error.name === 'ToolError');
}
