import type { Credentials } from '@toolhost/core';
import type { KernelHealth } from '@toolhost/core/kernel';
import type { SettingsStore, UserSettings } from '@toolhost/core/ports';

/** The per-user MCP settings huggingface.co keeps (huggingface.co/settings/mcp). */
interface HfMcpSettings {
  builtInTools?: string[];
  spaceTools?: { _id?: string; name?: string; subdomain?: string; emoji?: string }[];
}

/**
 * Settings read from Hugging Face's own MCP settings endpoint with the caller's
 * token, so users keep choosing their tools on huggingface.co. Read-only here.
 * `builtInTools` names tools: a plugin is enabled when any of its tools is, and
 * its other tools are disabled; `spaceTools` become the user's Spaces.
 */
export class HfSettingsStore implements SettingsStore {
  readonly writable = false;

  constructor(
    /** `{HF_ENDPOINT}/api/settings/mcp` by default. */
    private readonly url: string,
    /** The loaded tools and their plugins, known once the kernel has started. */
    private readonly catalog: () => KernelHealth['tools'],
    private readonly timeoutMs = 5_000,
  ) {}

  async get(_userId: string, credentials?: Credentials): Promise<UserSettings | undefined> {
    if (!credentials?.hfToken) return undefined;
    let response: Response;
    try {
      response = await fetch(this.url, {
        headers: { authorization: `Bearer ${credentials.hfToken}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      return undefined; // Hub unreachable: the user gets the manifest's defaults for now.
    }
    if (!response.ok) return undefined;
    const body = (await response.json()) as HfMcpSettings;
    const enabled = new Set(body.builtInTools ?? []);
    const tools = this.catalog();
    const plugins = [...new Set(tools.filter((t) => enabled.has(t.name)).map((t) => t.plugin))];
    const disabledTools = tools
      .filter((t) => plugins.includes(t.plugin) && !enabled.has(t.name))
      .map((t) => t.name);
    const spaces = (body.spaceTools ?? [])
      .map((space) => space.name)
      .filter((name): name is string => Boolean(name));
    return { plugins, disabledTools, spaces };
  }

  async put(): Promise<void> {
    throw new Error('Hugging Face MCP settings are read-only here');
  }
}
