import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/server';
import { TOOL_RESULT_BRAND } from './brand';

export type { CallToolResult, ContentBlock };

/** A complete MCP tool result, for handlers that need more than text or structured data. */
export interface ToolResult {
  readonly [TOOL_RESULT_BRAND]: true;
  readonly content: ContentBlock[];
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
  readonly _meta?: Record<string, unknown>;
}

/** Wrap a full result (image content, several blocks, a custom error) so the kernel passes it through as is. */
export function toolResult(result: Omit<ToolResult, typeof TOOL_RESULT_BRAND>): ToolResult {
  return Object.freeze({ ...result, [TOOL_RESULT_BRAND]: true as const });
}

export const text = (value: string): ContentBlock => ({ type: 'text', text: value });
