import { defineTool, z } from '@toolhost/core';
import { answerFields, format, hubService, renderAnswer, repoId } from '@toolhost/plugin-hub';

const { compactNumber, day, facts, list } = format;

const output = z.object({
  id: z.string(),
  /** The Space's page on the Hub. */
  url: z.string(),
  /** Where the app itself runs. */
  appUrl: z.string().optional(),
  /** The MCP endpoint of a Gradio Space that serves MCP. */
  mcpUrl: z.string().optional(),
  author: z.string().optional(),
  title: z.string().optional(),
  emoji: z.string().optional(),
  description: z.string().optional(),
  sdk: z.string().optional(),
  sdkVersion: z.string().optional(),
  stage: z.string().optional(),
  hardware: z.string().optional(),
  likes: z.number().optional(),
  private: z.boolean().optional(),
  subdomain: z.string().optional(),
  mcpServer: z.boolean().optional(),
  tags: z.array(z.string()),
  models: z.array(z.string()).optional(),
  datasets: z.array(z.string()).optional(),
  license: z.string().optional(),
  createdAt: z.string().optional(),
  lastModified: z.string().optional(),
  ...answerFields,
});

/** Gradio apps launched with `mcp_server=True` serve MCP here. */
const gradioMcpUrl = (host: string) => `${host.replace(/\/+$/, '')}/gradio_api/mcp/`;

export const spaceDetails = defineTool({
  name: 'space_details',
  title: 'Space details',
  description:
    'Get details of one Hugging Face Space by its repo id ("owner/name"): SDK, hardware, runtime status (running, sleeping, error…), likes, subdomain, the app link, and its MCP endpoint when it serves one.',
  input: z.object({
    repo_id: repoId.describe('The Space id, e.g. "hf-audio/whisper-large-v3"'),
  }),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler({ repo_id }, ctx) {
    const { hub } = ctx.services;
    const answer = await hub.answer<Omit<z.input<typeof output>, 'source'>>(ctx, 'lookup', {
      hub: async () => {
        const { host, gated: _gated, ...space } = await hub.spaceInfo(repo_id, ctx);
        return {
          ...space,
          url: hub.repoUrl(space.id, 'space'),
          ...(host && { appUrl: host }),
          ...(host && space.mcpServer && space.sdk === 'gradio' && { mcpUrl: gradioMcpUrl(host) }),
        };
      },
      catalog: (catalog) => {
        const found = catalog.get('space', repo_id);
        return {
          id: found.id,
          url: hub.repoUrl(found.id, 'space'),
          ...(found.author && { author: found.author }),
          description: found.description,
          tags: found.tasks,
        };
      },
    });
    return { ...answer.value, ...answer.info };
  },
  render,
});

function render(s: z.output<typeof output>): string {
  return renderAnswer(
    s,
    [
      `# ${s.emoji ? `${s.emoji} ` : ''}[${s.title ?? s.id}](${s.url})`,
      ...(s.title ? ['', `\`${s.id}\``] : []),
      '',
      ...(s.description ? [s.description, ''] : []),
      ...facts([
        ['Author', s.author],
        ['SDK', s.sdk && `${s.sdk}${s.sdkVersion ? ` ${s.sdkVersion}` : ''}`],
        ['Status', s.stage],
        ['Hardware', s.hardware],
        ['Likes', s.likes !== undefined && compactNumber(s.likes)],
        ['App', s.appUrl && `[${s.appUrl}](${s.appUrl})`],
        ['Subdomain', s.subdomain],
        ['MCP server', s.mcpUrl ?? (s.mcpServer ? 'yes' : undefined)],
        ['License', s.license],
        ['Models', s.models && list(s.models, 10)],
        ['Datasets', s.datasets && list(s.datasets, 10)],
        ['Visibility', s.private === undefined ? undefined : s.private ? 'private' : 'public'],
        ['Created', s.createdAt && day(s.createdAt)],
        ['Updated', s.lastModified && day(s.lastModified)],
      ]),
      ...(s.tags.length ? ['', `Tags: ${list(s.tags, 30)}`] : []),
    ].join('\n'),
  );
}
