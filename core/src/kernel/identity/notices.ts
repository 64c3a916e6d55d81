import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Credentials } from '../../api/principal';

/**
 * Notes owed to callers, each stated once: prepended to the caller's first tool
 * result. A caller is recognised by its credentials object, which the transports
 * carry unchanged from the caller into every call's `CallInfo`, so no transport has
 * to know about notes. One HTTP request is one caller; a stdio connection is one.
 */
export class CallerNotices {
  private readonly owed = new WeakMap<Credentials, string>();

  /** Owe `notice` to the caller holding `credentials` (a fresh object, this caller's alone). */
  owe(credentials: Credentials, notice: string): Credentials {
    this.owed.set(credentials, notice);
    return credentials;
  }

  /** The result with the note owed to this caller first, if one is still owed. */
  deliver(credentials: Credentials, result: CallToolResult): CallToolResult {
    const notice = this.owed.get(credentials);
    if (notice === undefined) return result;
    this.owed.delete(credentials);
    // Same key order as the gate's results, so both paths serialize alike.
    return { ...result, content: [{ type: 'text', text: notice }, ...result.content] };
  }
}
