import type {
  CallerResolution,
  ResultPreferences,
  SelectionHints,
  ToolhostKernel,
} from '@toolhost/core/kernel';
import type { FastifyRequest } from 'fastify';

/** `a, b,,c` → `['a', 'b', 'c']`; absent → undefined. */
function list(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function first(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * Selection hints from the URL (`?plugins=`, `?tools=`, `?preset=`) and Hugging
 * Face's conventions (`?bouquet=`, `?mix=`, or their `X-MCP-Bouquet` / `X-MCP-Mix`
 * headers), so URLs written for Hugging Face's MCP server keep working. (`?gradio=`
 * is the gradio plugin's: its tool source reads the query itself.)
 */
export function selectionHints(request: FastifyRequest): SelectionHints {
  const query = request.query as Record<string, unknown>;
  const headers = request.headers;
  const plugins = list(query['plugins']);
  const tools = list(query['tools']);
  const preset = first(query['preset']) ?? first(query['bouquet']) ?? first(headers['x-mcp-bouquet']);
  const mix = list(query['mix']) ?? list(headers['x-mcp-mix']);
  return {
    ...(plugins && { plugins }),
    ...(tools && { tools }),
    ...(preset && { preset }),
    ...(mix && { mix }),
  };
}

/** The query parameters as strings, repeated ones joined with commas, for plugins' tool sources. */
export function queryParameters(request: FastifyRequest): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v) => typeof v === 'string').join(',');
  }
  return out;
}

/**
 * Who is calling and what they may use, for one HTTP request; `results` are its
 * result preferences (`parseResultPreferences` of its query), for the MCP endpoint.
 */
export function resolveCaller(
  kernel: ToolhostKernel,
  request: FastifyRequest,
  results?: ResultPreferences,
): Promise<CallerResolution> {
  const query = request.query as Record<string, unknown>;
  return kernel.resolveCaller({
    authorization: request.headers.authorization,
    requireToken: 'login' in query,
    hints: selectionHints(request),
    query: queryParameters(request),
    ...(results && { results }),
    ip: request.ip,
    requestId: request.id,
    logger: request.log,
  });
}
