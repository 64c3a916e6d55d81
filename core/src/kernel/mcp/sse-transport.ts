import { type JSONRPCMessage, parseJSONRPCMessage, type Transport } from '@modelcontextprotocol/server';

const encoder = new TextEncoder();

function frame(event: string, data: string): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${data}\n\n`);
}

/**
 * The server side of the deprecated HTTP+SSE transport (protocol 2024-11-05),
 * which the v2 SDK no longer has: one long-lived SSE stream carries everything
 * the server sends, starting with an `endpoint` event naming where the client
 * POSTs its messages; each POST feeds `receive`. Built on the SDK's `Transport`
 * interface so an ordinary SDK server runs over it.
 */
export class SseServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  /** What the client reads its answers from. */
  readonly stream: ReadableStream<Uint8Array>;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly sessionId: string,
    endpoint: string,
    private readonly keepAliveMs: number,
  ) {
    this.stream = new ReadableStream({
      start: (controller) => {
        this.controller = controller;
        controller.enqueue(frame('endpoint', endpoint));
      },
      cancel: () => this.finish(),
    });
  }

  async start(): Promise<void> {
    if (this.keepAliveMs > 0) {
      this.keepAlive = setInterval(() => this.write(encoder.encode(': keep-alive\n\n')), this.keepAliveMs);
      this.keepAlive.unref();
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('The SSE stream is closed');
    this.write(frame('message', JSON.stringify(message)));
  }

  /** One POSTed body (a message or a batch); throws on anything that is not JSON-RPC. */
  receive(body: unknown): void {
    const messages = (Array.isArray(body) ? body : [body]).map((item) => parseJSONRPCMessage(item));
    for (const message of messages) this.onmessage?.(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.controller?.close();
    } catch {
      // already closed by the client
    }
    this.finish();
  }

  private write(chunk: Uint8Array): void {
    if (this.closed) return;
    try {
      this.controller?.enqueue(chunk);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    this.onclose?.();
  }
}
