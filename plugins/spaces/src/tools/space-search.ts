import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer } from '@toolhost/plugin-hub';

const { compactNumber, plural } = format;

const space = z.object({
  id: z.string(),
  url: z.string(),
  author: z.string().optional(),
  title: z.string().optional(),
  emoji: z.string().optional(),
  description: z.string().optional(),
  category: z.string().optional(),
  sdk: z.string().optional(),
  likes: z.number().optional(),
  stage: z.string().optional().describe('RUNNING, SLEEPING, BUILDING, RUNTIME_ERROR, PAUSED…'),
  hardware: z.string().optional(),
  relevance: z.number().optional().describe('0–1, how close the Space is to the query'),
});

const output = z.object({
  spaces: z.array(space),
  ...answerFields,
});

export const spaceSearch = defineTool({
  name: 'space_search',
  title: 'Search Spaces',
  description:
    'Find Hugging Face Spaces (AI apps and demos) with semantic search: describe what the app should do, e.g. "remove image background" or "transcribe audio". Set mcp to true to find only Spaces that serve MCP tools. Returns Spaces with links, descriptions, SDK, status and likes.',
  input: z.object({
    query: z
      .string()
      .trim()
      .min(1, 'query must not be empty')
      .max(200)
      .describe('What the Space should do, in plain words'),
    limit: z.number().int().min(1).max(100).default(10).describe('How many Spaces to return (1–100)'),
    mcp: z.boolean().default(false).describe('Only Spaces that serve MCP (tagged mcp-server)'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler(input, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<z.input<typeof space>[]>(ctx, 'search', {
      hub: async () =>
        (await hub.searchSpaces(input, ctx)).map((hit) => ({ ...hit, url: hub.repoUrl(hit.id, 'space') })),
      // The catalog does not know which Spaces serve MCP, so an MCP-only search finds none there.
      catalog: (catalog) =>
        input.mcp
          ? []
          : catalog.search('space', input).map(({ id, author, description, tasks }) => ({
              id,
              url: hub.repoUrl(id, 'space'),
              ...(author && { author }),
              description,
              ...(tasks[0] && { category: catalog.taskLabel(tasks[0]) }),
            })),
    });
    return { spaces: answer.value, ...answer.info };
  },
  render,
});

function render(out: z.output<typeof output>): string {
  if (out.spaces.length === 0) {
    return renderAnswer(out, 'No Spaces matched. Describe the task differently, or drop the MCP filter.');
  }
  const lines = out.spaces.map((s, i) => {
    const facts = [
      s.description,
      s.category,
      s.sdk,
      s.stage,
      s.hardware,
      s.likes !== undefined && `${compactNumber(s.likes)} likes`,
      s.relevance !== undefined && `relevance ${Math.round(s.relevance * 100)}%`,
    ].filter(Boolean);
    const name = s.title && s.title !== s.id ? `${s.title}` : s.id;
    return `${i + 1}. ${s.emoji ? `${s.emoji} ` : ''}**[${name}](${s.url})** (\`${s.id}\`) — ${facts.join(' · ')}`;
  });
  return renderAnswer(
    out,
    [`Found ${plural(out.spaces.length, 'Space')}, best match first:`, '', ...lines].join('\n'),
  );
}
