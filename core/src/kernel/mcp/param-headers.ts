/**
 * `x-mcp-header` (SEP-2243): a tool's input property may be mirrored into an HTTP
 * header, `Mcp-Param-<Name>`, so that routing intermediaries can read it. A plugin
 * declares it in the schema (`z.string().meta({ 'x-mcp-header': 'Region' })`); the
 * declarations are checked when the tool is compiled, and on a 2026-07-28 tools/call
 * the headers must agree with the arguments, else 400 with -32020 (HeaderMismatch).
 */

/** Header name characters (an HTTP token, without the separators SEP-2243 forbids). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const BASE64 = /^=\?base64\?(.*)\?=$/;
const BASE64_ALPHABET = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const HEADER_MISMATCH = -32020;

export interface ParamHeader {
  /** The argument (a top-level input property). */
  readonly param: string;
  /** The header's name after `Mcp-Param-`. */
  readonly name: string;
}

/**
 * The `x-mcp-header` declarations of a tool's input JSON Schema (top-level
 * properties). Throws a TypeError naming the problem for a declaration SEP-2243
 * forbids: empty, bad characters, used twice (case-insensitively), on a
 * non-primitive property.
 */
export function paramHeadersOf(tool: string, inputSchema: Record<string, unknown>): ParamHeader[] {
  const properties = (inputSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const found: ParamHeader[] = [];
  for (const [param, schema] of Object.entries(properties)) {
    const name = schema?.['x-mcp-header'];
    if (name === undefined) continue;
    const where = `tool ${tool}, property ${param}: x-mcp-header`;
    if (typeof name !== 'string' || name === '') throw new TypeError(`${where} must be a non-empty string`);
    if (!HEADER_NAME.test(name))
      throw new TypeError(`${where} ${JSON.stringify(name)} is not a valid header name`);
    if (found.some((h) => h.name.toLowerCase() === name.toLowerCase())) {
      throw new TypeError(`${where} ${JSON.stringify(name)} is declared twice`);
    }
    if (!['string', 'number', 'integer', 'boolean'].includes(schema['type'] as string)) {
      throw new TypeError(`${where} is allowed on string, number, integer or boolean properties only`);
    }
    found.push({ param, name });
  }
  return found;
}

/** A header value as sent: `=?base64?…?=` decoded (strictly), anything else literal; `undefined` when invalid. */
function decode(value: string): string | undefined {
  const wrapped = BASE64.exec(value);
  if (!wrapped) return value;
  const encoded = wrapped[1]!;
  if (!BASE64_ALPHABET.test(encoded)) return undefined;
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** Why the request's `Mcp-Param-*` headers disagree with its arguments, or `undefined` when they agree. */
export function paramHeaderMismatch(
  declared: readonly ParamHeader[],
  args: unknown,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const values = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  for (const { param, name } of declared) {
    const raw = headers[`mcp-param-${name.toLowerCase()}`];
    const value = values[param];
    const header = typeof raw === 'string' ? raw.replace(/^[ \t]+|[ \t]+$/g, '') : undefined;
    if (value === undefined || value === null) {
      if (header !== undefined) return `Mcp-Param-${name} is set but the argument ${param} is not`;
      continue;
    }
    if (header === undefined) return `Mcp-Param-${name} is missing; it must carry the argument ${param}`;
    const decoded = decode(header);
    if (decoded === undefined) return `Mcp-Param-${name} is not valid Base64`;
    if (decoded !== String(value)) return `Mcp-Param-${name} does not match the argument ${param}`;
  }
  return undefined;
}
