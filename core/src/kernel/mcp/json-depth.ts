import { Transform } from 'node:stream';

/**
 * A bound on how deeply a JSON body may nest objects and arrays. Parsing deep JSON is
 * fine, but everything after it that walks the value recursively (JSON.stringify when
 * a body is handed to the SDK, schema validation, logging) overflows the stack on
 * ~10k levels. So the depth is checked on the raw text, iteratively, before anything
 * parses it; no MCP message needs more than a few dozen levels.
 */

export const DEFAULT_MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text nests objects or arrays deeper than `max` levels (`{}` is one
 * level, `{"a":[1]}` two). One pass, no recursion; brackets inside strings do not
 * count. It does not validate: invalid JSON that is not too deep returns false and is
 * left to the parser's own error.
 */
export function exceedsJsonDepth(text: string, max: number): boolean {
  // A text cannot open more levels than it has characters.
  if (text.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump over the string (keys and values are most of a body) with the native search.
      i = closingQuote(text, i);
      if (i === -1) return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** Where the string opened at `open` ends (its closing quote), or -1 if it never does. */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at !== -1) {
    // A quote preceded by an odd number of backslashes is escaped.
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/** The message of the parse error a too-deep body gets: it names the limit. */
export function jsonDepthMessage(max: number): string {
  return `Parse error: the JSON nests objects and arrays deeper than the nesting depth limit of ${max} levels; send a flatter message.`;
}

/** The JSON-RPC error (no id: the message was not read) a too-deep body gets. */
export function jsonDepthError(max: number) {
  return { jsonrpc: '2.0' as const, id: null, error: { code: -32700, message: jsonDepthMessage(max) } };
}

const NEWLINE = 0x0a;

/** What a stdio line that is not one JSON-RPC message gets, or undefined for a line to pass on. */
function lineRefusal(line: string, maxDepth: number, tooDeep: string): string | undefined {
  if (line.trim() === '') return undefined;
  if (exceedsJsonDepth(line, maxDepth)) return tooDeep;
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return `${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the line is not valid JSON.' } })}\n`;
  }
  if (typeof message === 'object' && message !== null && !Array.isArray(message)) return undefined;
  return `${JSON.stringify({
    jsonrpc: '2.0',
    id: null,
    error: {
      code: -32600,
      message: 'Invalid Request: each line must be one JSON-RPC message object (batches are not supported).',
    },
  })}\n`;
}

/**
 * The stdin of a stdio connection with every line that is not one JSON-RPC message
 * object answered and dropped: too deep (over `maxDepth`), not JSON, or not an object
 * (a batch, a number). Such a line never reaches the SDK, which would drop it without
 * an answer; its JSON-RPC error is written to `stdout` as one line, and the connection
 * keeps serving. Other lines pass through unchanged. Ends when `stdin` ends.
 */
export function guardStdin(
  stdin: NodeJS.ReadableStream,
  stdout: NodeJS.WritableStream,
  maxDepth: number = DEFAULT_MAX_JSON_DEPTH,
): Transform {
  let pending: Buffer[] = [];
  const refusal = `${JSON.stringify(jsonDepthError(maxDepth))}\n`;
  const filter = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let newline = data.indexOf(NEWLINE);
      while (newline !== -1) {
        const line = Buffer.concat([...pending, data.subarray(0, newline + 1)]);
        pending = [];
        const refused = lineRefusal(line.toString('utf8'), maxDepth, refusal);
        if (refused) stdout.write(refused);
        else this.push(line);
        data = data.subarray(newline + 1);
        newline = data.indexOf(NEWLINE);
      }
      if (data.length > 0) pending.push(data);
      done();
    },
    flush(done) {
      // A last line without a newline is passed on as it is (the SDK waits for its newline).
      if (pending.length > 0) this.push(Buffer.concat(pending));
      done();
    },
  });
  stdin.pipe(filter);
  stdin.on('error', (error) => filter.destroy(error as Error));
  return filter;
}
