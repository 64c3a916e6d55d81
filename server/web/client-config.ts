/** Ready-to-copy client configurations for this server (the settings page shows them). */

export interface ClientConfig {
  readonly id: string;
  readonly title: string;
  /** Where the text goes. */
  readonly where: string;
  readonly text: string;
}

const TOKEN_PLACEHOLDER = '<your token>';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * The configurations for `mcpUrl`, with the user's token in them when `token` is
 * given (else a placeholder to replace).
 */
export function clientConfigs(mcpUrl: string, token: string | undefined): ClientConfig[] {
  const bearer = `Bearer ${token ?? TOKEN_PLACEHOLDER}`;
  return [
    {
      id: 'vscode',
      title: 'VS Code',
      where:
        '.vscode/mcp.json in your workspace (or the user mcp.json); VS Code asks for the token once and keeps it.',
      text: json({
        inputs: [
          { type: 'promptString', id: 'toolhost-token', description: 'Toolhost token', password: true },
        ],
        servers: {
          toolhost: {
            type: 'http',
            url: mcpUrl,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code expands ${input:…} itself.
            headers: { Authorization: 'Bearer ${input:toolhost-token}' },
          },
        },
      }),
    },
    {
      id: 'cursor',
      title: 'Cursor',
      where: '~/.cursor/mcp.json',
      text: json({ mcpServers: { toolhost: { url: mcpUrl, headers: { Authorization: bearer } } } }),
    },
    {
      id: 'claude-remote',
      title: 'Claude Desktop (through mcp-remote)',
      where: 'claude_desktop_config.json (no spaces inside args: some clients split them)',
      text: json({
        mcpServers: {
          toolhost: {
            command: 'npx',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp-remote expands ${AUTH_HEADER} from env.
            args: ['-y', 'mcp-remote', mcpUrl, '--header', 'Authorization:${AUTH_HEADER}'],
            env: { AUTH_HEADER: bearer },
          },
        },
      }),
    },
    {
      id: 'claude-stdio',
      title: 'Claude Desktop (Toolhost over stdio)',
      where:
        'claude_desktop_config.json: runs Toolhost itself from a checkout; the Hugging Face token in HF_TOKEN is who the tools act as',
      text: json({
        mcpServers: {
          toolhost: {
            command: 'npx',
            args: ['--prefix', '/path/to/toolhost', 'toolhost', 'serve', '--stdio'],
            env: { HF_TOKEN: token?.startsWith('hf_') ? token : 'hf_...' },
          },
        },
      }),
    },
    {
      id: 'inspector',
      title: 'MCP Inspector',
      where:
        'a shell (or run `npx @modelcontextprotocol/inspector` and choose Streamable HTTP, this URL and the header)',
      text: `npx @modelcontextprotocol/inspector --cli ${mcpUrl} --transport http --header "Authorization: ${bearer}" --method tools/list`,
    },
  ];
}
