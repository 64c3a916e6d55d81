/** A `toolhost plugin …` mistake: printed with the usage hint, exit code 2. */
export class PluginUsageError extends Error {}
