/**
 * How a caller wants tool results shaped: at most so many tokens
 * (`?max_result_tokens=`), and images as links instead of inline data
 * (`?no_image_content`). The URL states them per request;
 * the manifest's per-client rules (matched on the client's `clientInfo.name`) state
 * them for a client that cannot put them in its URL. Where both speak, the stricter wins.
 */

/** The least a caller may ask for: a smaller result could not say what it left out. */
export const MIN_RESULT_TOKENS = 500;

/** What the URL (or a client rule) asks of one request's tool results. */
export interface ResultPreferences {
  /** At most this many tokens per result (already raised to `MIN_RESULT_TOKENS`). */
  readonly maxTokens?: number;
  /** Replace image content with links to short-lived resources. */
  readonly imageLinks?: boolean;
}

/** A manifest rule: what results look like for clients whose `clientInfo.name` matches. */
export interface ClientResultRule {
  /** A client name, case-insensitive; a trailing `*` matches any name starting with what precedes it. */
  readonly name: string;
  readonly maxTokens?: number;
  readonly imageLinks?: boolean;
}

export type ParsedPreferences =
  | { readonly ok: true; readonly preferences: ResultPreferences | undefined }
  | { readonly ok: false; readonly message: string };

const WHOLE_NUMBER = /^\d+$/;
const OFF = new Set(['false', '0', 'no', 'off']);

/**
 * The result preferences of a request's query. `max_result_tokens` must be a whole
 * number ≥ 1 (else the request is refused with the message); below the minimum it is
 * raised to it. `no_image_content` is on when present, unless it says false/0/no/off.
 */
export function parseResultPreferences(query: Readonly<Record<string, string>>): ParsedPreferences {
  const raw = query['max_result_tokens'];
  let maxTokens: number | undefined;
  if (raw !== undefined) {
    const value = raw.trim();
    const tokens = WHOLE_NUMBER.test(value) ? Number(value) : Number.NaN;
    if (!(tokens >= 1)) {
      return {
        ok: false,
        message: `max_result_tokens must be a whole number of tokens, at least 1 (e.g. ?max_result_tokens=4000); got ${JSON.stringify(raw.slice(0, 40))}`,
      };
    }
    maxTokens = Math.max(MIN_RESULT_TOKENS, Math.min(tokens, Number.MAX_SAFE_INTEGER));
  }
  const images = query['no_image_content'];
  const imageLinks = images !== undefined && !OFF.has(images.trim().toLowerCase());
  if (maxTokens === undefined && !imageLinks) return { ok: true, preferences: undefined };
  return {
    ok: true,
    preferences: { ...(maxTokens !== undefined && { maxTokens }), ...(imageLinks && { imageLinks }) },
  };
}

/** Whether a rule's name pattern matches a client name. */
function matches(pattern: string, name: string): boolean {
  const wanted = pattern.toLowerCase();
  const actual = name.toLowerCase();
  return wanted.endsWith('*') ? actual.startsWith(wanted.slice(0, -1)) : actual === wanted;
}

/** The stricter of two preferences: the smaller token limit, links if either asks for them. */
function stricter(a: ResultPreferences | undefined, b: ResultPreferences | undefined) {
  if (!a) return b;
  if (!b) return a;
  const maxTokens =
    a.maxTokens === undefined
      ? b.maxTokens
      : b.maxTokens === undefined
        ? a.maxTokens
        : Math.min(a.maxTokens, b.maxTokens);
  const imageLinks = a.imageLinks === true || b.imageLinks === true;
  return { ...(maxTokens !== undefined && { maxTokens }), ...(imageLinks && { imageLinks }) };
}

/** The manifest's per-client rules, and how they combine with what a request asks. */
export class ClientResultRules {
  constructor(private readonly rules: readonly ClientResultRule[] = []) {}

  /** Whether any rule exists: the transports learn the client's name for each call only then. */
  get any(): boolean {
    return this.rules.length > 0;
  }

  /** What a call's results must honour: the request's preferences and every rule matching its client. */
  forCall(
    requested: ResultPreferences | undefined,
    clientName: string | undefined,
  ): ResultPreferences | undefined {
    let merged = requested;
    if (clientName !== undefined) {
      for (const rule of this.rules) {
        if (!matches(rule.name, clientName)) continue;
        merged = stricter(merged, {
          ...(rule.maxTokens !== undefined && { maxTokens: Math.max(MIN_RESULT_TOKENS, rule.maxTokens) }),
          ...(rule.imageLinks && { imageLinks: true }),
        });
      }
    }
    return merged;
  }
}
