import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { toJsonSchema } from '../catalog';
import { errorResult, formatInputIssues } from '../chain';

export const CALL_TOOL = 'call_tool';

const input = z.object({
  name: z.string().min(1).describe('The tool to call, as search_tools named it.'),
  arguments: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("The tool's arguments, as its input schema describes them."),
});

/** call_tool's `tools/list` entry. */
export const CALL_TOOL_DESCRIPTOR = {
  name: CALL_TOOL,
  title: 'Call a tool',
  description:
    'Calls any tool of this server by name, including those not listed here. Find tools and their input schemas with search_tools first.',
  inputSchema: toJsonSchema(input, 'input') as { type: 'object' },
};

/**
 * The call that call_tool's arguments name, or the tool result refusing arguments that
 * name none. The call itself is made by the one dispatcher, exactly as a direct call.
 */
export function callToolTarget(
  args: unknown,
):
  | { ok: true; name: string; arguments: Record<string, unknown> | undefined }
  | { ok: false; result: CallToolResult } {
  const parsed = input.safeParse(args ?? {});
  if (!parsed.success)
    return {
      ok: false,
      result: errorResult(
        `Input validation error: Invalid arguments for tool ${CALL_TOOL}: ${formatInputIssues(parsed.error.issues)}`,
      ),
    };
  return { ok: true, name: parsed.data.name, arguments: parsed.data.arguments };
}
