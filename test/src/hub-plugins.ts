/** Shared pieces for tests of the Hub plugins: the default tool list, manifests, a closed port. */
import { createServer } from 'node:net';

/** The tools of the built-in default manifest (hub, models, datasets, spaces, papers, docs, image-gen), sorted. */
export const DEFAULT_TOOLS = [
  'dataset_details',
  'dataset_search',
  'generate_image',
  'hf_doc_fetch',
  'hf_doc_search',
  'hf_whoami',
  'hub_repo_details',
  'model_details',
  'model_search',
  'paper_details',
  'paper_search',
  'space_details',
  'space_search',
];

const TOOL_PLUGINS = ['models', 'datasets', 'spaces', 'papers', 'docs'];

/** The default manifest's plugins, with config for the hub plugin and for each tool plugin. */
export function hubPluginsManifest(
  hubConfig: Record<string, unknown> = {},
  toolConfig: Record<string, unknown> = {},
) {
  return {
    plugins: [
      { use: '@toolhost/plugin-hub', config: hubConfig },
      ...TOOL_PLUGINS.map((id) => ({ use: `@toolhost/plugin-${id}`, config: toolConfig })),
    ],
  };
}

/** A local port nothing listens on: connecting to it is refused at once. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
