/**
 * Label values for metrics and dashboard keys, bounded: a client can send any method
 * or tool name, and every distinct label value is a new time series held forever.
 */

/** The MCP methods of both eras; anything else is counted as `other`. */
const KNOWN_METHODS = new Set([
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'subscriptions/listen',
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
  'batch',
  // Requests that carry no JSON-RPC message: the GET stream (or its probe) and session DELETE.
  'GET /mcp',
  'DELETE /mcp',
]);

export function methodLabel(method: string | undefined): string {
  if (method === undefined) return 'none';
  return KNOWN_METHODS.has(method) ? method : 'other';
}

const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const MAX_SERVICES = 32;

/** Upstream service names come from plugin code: short fixed names only, and only so many of them. */
export class ServiceLabels {
  private readonly seen = new Set<string>();

  label(service: string): string {
    if (this.seen.has(service)) return service;
    if (!SERVICE_NAME.test(service) || this.seen.size >= MAX_SERVICES) return 'other';
    this.seen.add(service);
    return service;
  }
}
