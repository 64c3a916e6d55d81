/** Shared pieces for tests of the Hub plugins: the default tool list, manifests, a closed port, a black hole. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

/** The tools of the built-in default manifest (hub, models, datasets, spaces, repos, papers, docs, image-gen, gradio), sorted. */
export const DEFAULT_TOOLS = [
  'dataset_details',
  'dataset_search',
  'dynamic_space',
  'generate_image',
  'hf_doc_fetch',
  'hf_doc_search',
  'hf_whoami',
  'hub_repo_details',
  'hub_repo_search',
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

/**
 * A local port that never completes a connection: a child process listens with a
 * backlog of one and blocks its event loop at once (for at most a minute), so nothing is accepted;
 * once two connections fill the kernel's queue, further SYNs are dropped and
 * connecting times out — a Hub behind a black hole, without leaving the machine.
 */
export async function blackHolePort(): Promise<{ port: number; close(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const server = require('node:net').createServer();
       server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         process.stdout.write(server.address().port + '\\n', () => {
           // Block without burning a core, so nothing is accepted; exit after a minute
           // even if the test that started it died without killing it.
           Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
           process.exit(0);
         });
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  // Fill the accept queue: the first two complete, the rest wait on SYNs the kernel drops.
  const fillers = Array.from({ length: 4 }, () => connect(port, '127.0.0.1').on('error', () => {}));
  await Promise.all(fillers.slice(0, 2).map((socket) => once(socket, 'connect')));
  return {
    port,
    close: () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}
