import { definePlugin } from '@toolhost/core';
import { hubService } from '@toolhost/plugin-hub';
import { spacesConfig, spacesSettings } from './config';
import { gradioService } from './service';
import { spaceTools } from './space-tools';
import { SpaceProxy } from './spaces';
import { dynamicSpace } from './tools/dynamic-space';

export { MCP_APP_MIME_TYPE, proxiedUiUri } from './apps';
export { SPACE_ID, type SpacesConfig, spacesConfig, spacesSettings } from './config';
export type { UpstreamTool } from './connections';
export { proxiedToolName, spacePrefix } from './naming';
export { hostAllowed, isPrivateAddress, OutboundRefusal } from './outbound';
export { gradioService } from './service';
export { type SpaceCall, SpaceProxy, type SpaceState } from './spaces';

/**
 * Gradio Spaces as plugins: every Space a caller enabled (the manifest's
 * `spaces.enabled`, the `spaces` field of their settings, `?gradio=`) is discovered
 * at request time and its MCP tools are proxied. The manifest's top-level `spaces:`
 * section is this plugin's config. `dynamic_space` reaches any Space by id through
 * the same proxy (allowlist, address guard, timeouts).
 */
export default definePlugin({
  id: 'gradio',
  version: '0.1.0',
  title: 'Gradio Spaces',
  description:
    'Each enabled Gradio Space served as a plugin whose MCP tools (and MCP App pages) are proxied, and dynamic_space for any Space by id.',
  kernel: '^0.1.0',
  config: spacesConfig,
  manifestSection: 'spaces',
  userSettings: spacesSettings,
  requires: { hub: hubService },
  provides: { gradio: gradioService },
  setup({ config, services, logger, onShutdown, startUpstream }) {
    const proxy = new SpaceProxy(services.hub, config, logger, startUpstream);
    onShutdown(() => proxy.close());
    return { gradio: proxy };
  },
  toolSource: spaceTools,
  tools: [dynamicSpace],
});
