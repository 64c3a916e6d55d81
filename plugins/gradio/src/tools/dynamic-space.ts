import { defineTool, type ToolContext, ToolError, z } from '@toolhost/core';
import { format, hubService } from '@toolhost/plugin-hub';
import { SPACE_ID } from '../config';
import type { UpstreamTool } from '../connections';
import { gradioService } from '../service';
import type { SpaceProxy, SpaceState } from '../spaces';

const { clip, compactNumber, plural } = format;

const OPERATIONS = ['find', 'view_parameters', 'invoke'] as const;

/**
 * The proxy times discovery and calls out itself (spaces.discoveryTimeoutSeconds,
 * spaces.timeoutSeconds, with messages naming the Space); this backstop sits above
 * both of their maximums, so it never cuts a call the settings allow.
 */
const BACKSTOP_MS = (3_600 + 120 + 5) * 1000;

type ReadySpace = Extract<SpaceState, { ok: true }>;

const input = z.object({
  operation: z
    .enum(OPERATIONS)
    .describe(
      'find: search MCP-enabled Spaces by task; view_parameters: a Space’s tools and their parameters; invoke: call a Space tool',
    ),
  space_name: z
    .string()
    .trim()
    .regex(SPACE_ID, 'space_name must look like "owner/name"')
    .optional()
    .describe('Space id, e.g. "evalstate/flux1_schnell"; needed by view_parameters and invoke'),
  tool: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Which of the Space’s tools to invoke (as view_parameters names them); default: its first'),
  parameters: z
    .union([z.record(z.string(), z.unknown()), z.string().max(100_000)])
    .optional()
    .describe('invoke: the tool’s arguments, an object (or a JSON object string)'),
  search_query: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('find: the task in plain words, e.g. "image generation", "OCR"'),
  limit: z.number().int().min(1).max(50).default(10).describe('find: how many Spaces (1–50)'),
});

type Input = z.output<typeof input>;

export const dynamicSpace = defineTool({
  name: 'dynamic_space',
  title: 'Use any Gradio Space',
  description:
    'Use any MCP-enabled Hugging Face Space without adding it first. operation "find" searches Spaces by task (search_query); "view_parameters" shows a Space’s tools and parameters (space_name); "invoke" calls one (space_name, parameters, optionally tool). View the parameters before invoking. File inputs take public URLs.',
  input,
  annotations: { openWorld: true },
  cost: 1,
  timeoutMs: BACKSTOP_MS,
  services: { gradio: gradioService, hub: hubService },
  async handler(args, ctx) {
    const { gradio, hub } = ctx.services;
    if (args.operation === 'find') {
      const query = args.search_query;
      if (!query) {
        throw new ToolError(
          'find needs search_query: the task in plain words, e.g. "image generation", "speech to text" or "background removal".',
        );
      }
      const answer = await hub.answer(ctx, 'search', {
        hub: () => hub.searchSpaces({ query, limit: args.limit, mcp: true }, ctx),
        // The catalog does not know which Spaces serve MCP.
        catalog: () => [],
      });
      const notice = answer.info.notice ? `> ${answer.info.notice}\n\n` : '';
      if (answer.value.length === 0) {
        return `${notice}No MCP-enabled Spaces matched "${query}". Try a broader task, e.g. "image generation" instead of a model name.`;
      }
      const lines = answer.value.map((s, i) => {
        const facts = [
          s.title && s.title !== s.id.split('/')[1] ? s.title : undefined,
          s.description && clip(s.description, 160),
          s.stage,
          `${compactNumber(s.likes)} like${s.likes === 1 ? '' : 's'}`,
        ].filter(Boolean);
        return `${i + 1}. ${s.emoji ? `${s.emoji} ` : ''}\`${s.id}\` — ${facts.join(' · ')}`;
      });
      return [
        `${notice}Found ${plural(answer.value.length, 'MCP-enabled Space')} for "${query}":`,
        '',
        ...lines,
        '',
        'Next: dynamic_space with operation "view_parameters" and space_name, then "invoke".',
      ].join('\n');
    }
    const space = await ready(gradio, args, ctx);
    if (args.operation === 'view_parameters') return describeSpace(space);
    const tool = pickTool(space, args.tool);
    const parameters = parseParameters(args.parameters);
    const missing = required(tool).filter((name) => !(name in parameters));
    if (missing.length > 0) {
      throw new ToolError(
        `${space.id} tool ${tool.name} needs ${missing.map((n) => `"${n}"`).join(', ')} in parameters. Its parameters:\n\n${parameterLines(tool).join('\n')}`,
      );
    }
    return gradio.call(space, tool.name, parameters, ctx);
  },
});

/** The Space discovered for this caller (Hub lookup, then its tools/list, through the proxy's guards), or why not. */
async function ready(
  gradio: SpaceProxy,
  args: Input,
  ctx: Pick<ToolContext, 'credentials' | 'principal' | 'signal'>,
): Promise<ReadySpace> {
  if (!args.space_name) {
    throw new ToolError(
      `${args.operation} needs space_name, the Space id such as "evalstate/flux1_schnell".`,
    );
  }
  const state = await gradio.discover(args.space_name, {
    credentials: ctx.credentials,
    principalId: ctx.principal.id,
    signal: ctx.signal,
  });
  if (!state.ok) throw gradio.unavailable(state);
  if (state.tools.length === 0) throw new ToolError(`Space ${state.id} serves no MCP tools.`);
  return state;
}

function pickTool(space: ReadySpace, name: string | undefined): UpstreamTool {
  if (name === undefined) return space.tools[0]!;
  const tool = space.tools.find((t) => t.name === name);
  if (!tool) {
    throw new ToolError(
      `Space ${space.id} has no tool "${name}"; its tools: ${space.tools.map((t) => t.name).join(', ')}.`,
    );
  }
  return tool;
}

function parseParameters(value: Input['parameters']): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ToolError(
      'parameters is not valid JSON. Give an object, e.g. {"prompt": "a cat", "steps": 4} (double quotes, no trailing commas).',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ToolError('parameters must be a JSON object, e.g. {"prompt": "a cat"}.');
  }
  return parsed as Record<string, unknown>;
}

type JsonSchema = { type?: unknown; description?: unknown; default?: unknown; enum?: unknown };

const properties = (tool: UpstreamTool): Record<string, JsonSchema> =>
  (tool.inputSchema['properties'] as Record<string, JsonSchema> | undefined) ?? {};

const required = (tool: UpstreamTool): string[] => {
  const names = tool.inputSchema['required'];
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
};

/** One line per parameter: name, type, required or its default, allowed values, description. */
function parameterLines(tool: UpstreamTool): string[] {
  const needed = new Set(required(tool));
  const entries = Object.entries(properties(tool));
  if (entries.length === 0) return ['- (no parameters)'];
  return entries.map(([name, schema]) => {
    const facts = [
      typeof schema.type === 'string'
        ? schema.type
        : Array.isArray(schema.type)
          ? schema.type.join('|')
          : 'any',
      needed.has(name)
        ? 'required'
        : schema.default !== undefined && `default ${JSON.stringify(schema.default)}`,
      Array.isArray(schema.enum) && `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`,
    ].filter(Boolean);
    const about = typeof schema.description === 'string' ? ` — ${clip(schema.description, 200)}` : '';
    return `- \`${name}\` (${facts.join(', ')})${about}`;
  });
}

function describeSpace(space: ReadySpace): string {
  const sections = space.tools.map((tool, index) =>
    [
      `## ${index === 0 ? `${tool.name} (the default)` : tool.name}`,
      '',
      ...(tool.description ? [clip(tool.description, 600), ''] : []),
      ...parameterLines(tool),
    ].join('\n'),
  );
  return [
    `Space ${space.id} serves ${plural(space.tools.length, 'tool')}. Invoke with operation "invoke", space_name "${space.id}", parameters {…}${space.tools.length > 1 ? ' and tool (default: the first)' : ''}.`,
    '',
    sections.join('\n\n'),
  ].join('\n');
}
