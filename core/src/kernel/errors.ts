/**
 * A manifest or plugin problem found while loading. The message always starts with
 * the manifest entry it concerns (`plugins[1] (@toolhost/plugin-models)`) so an
 * operator can fix it without reading a stack trace.
 */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
  constructor(
    message: string,
    /** The manifest entry label, when the problem belongs to one entry. */
    readonly entry?: string,
    options?: { cause?: unknown },
  ) {
    super(entry ? `${entry}: ${message}` : message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
