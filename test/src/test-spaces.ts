/**
 * Local stand-ins for Gradio Spaces (`toolhost-test/<name>`, and one private Space
 * of the emulator's user alice): real MCP servers over real HTTP on 127.0.0.1,
 * built with the SDK server and stateless like Gradio's (a fresh server per POST,
 * GET answered 405). One HTTP server hosts them all at
 * `/{subdomain}/gradio_api/mcp/`; the Hub emulator describes them (`records`).
 *
 * They record what arrived (headers per Space, to check token forwarding), count
 * TCP connections (to check reuse), and note when a hanging call was abandoned
 * (to check cancellation reaches the Space).
 */
import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CallToolResult,
  ResourceNotFoundError,
  Server,
  type ServerContext,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { ApiRepo } from './hub-emulator';

export const OWNER = 'toolhost-test';

/** A 1×1 PNG. */
export const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

interface SpaceTool {
  /** Listed as is; the key order is deliberately not the SDK's (type, properties, required). */
  readonly listing: Record<string, unknown>;
  run(args: Record<string, unknown>, ctx: ServerContext, abandoned: AbortSignal): Promise<CallToolResult>;
}

export interface RecordedSpaceRequest {
  readonly space: string;
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  /** The JSON-RPC method(s) of a POST. */
  readonly rpc: string[];
  /** Which TCP connection it came on (1 for the first the server accepted). */
  readonly connection: number;
}

export interface TestSpaces {
  /** `http://127.0.0.1:PORT/{subdomain}/gradio_api/mcp/`: the manifest's `spaces.endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** The Hub's `/api/spaces/{id}` records of every test Space (and of a sleeping one). */
  readonly records: ApiRepo[];
  readonly requests: RecordedSpaceRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Tool calls that were abandoned (client cancelled or disconnected) while the Space worked on them. */
  readonly abandoned: string[];
  /** MCP App pages each Space serves, by Space id. */
  readonly pages: Record<string, AppPage[]>;
  /**
   * The slow image Space (`toolhost-test/slow-image-space`): each call waits until
   * `release()`; `started` counts the calls that reached it.
   */
  readonly slowImage: { readonly started: number; release(): void };
  /** Tools as each Space lists them, by Space id. */
  readonly tools: Record<string, Record<string, unknown>[]>;
  close(): Promise<void>;
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('abandoned'));
    });
  });

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/** Calls to the slow image Space wait here until the test releases them. */
const slowImage = {
  started: 0,
  waiting: [] as (() => void)[],
  release() {
    for (const go of this.waiting.splice(0)) go();
  },
};

const SPACES: Record<string, Record<string, SpaceTool>> = {
  'text-space': {
    text_space_echo: {
      listing: {
        name: 'text_space_echo',
        description: 'Echo the text back, optionally shouted.',
        annotations: { readOnlyHint: true },
        inputSchema: {
          properties: {
            text: { type: 'string', description: 'What to echo', maxLength: 200 },
            shout: { type: 'boolean', default: false },
          },
          required: ['text'],
          type: 'object',
          additionalProperties: false,
        },
      },
      run: async (args) => {
        const value = String(args['text']);
        return text(`echo: ${args['shout'] ? value.toUpperCase() : value}`);
      },
    },
  },
  'image-space': {
    image_space_infer: {
      listing: {
        name: 'image_space_infer',
        description: 'Generate an image from a prompt (FLUX-like).',
        inputSchema: {
          type: 'object',
          properties: {
            prompt: { type: 'string' },
            seed: { type: 'number', default: 0 },
            randomize_seed: { type: 'boolean', default: true },
            width: { type: 'number', default: 1024 },
            height: { type: 'number', default: 1024 },
            num_inference_steps: { type: 'number', default: 4 },
          },
        },
      },
      run: async (args) => ({
        content: [
          { type: 'image', data: PNG_1PX, mimeType: 'image/png' },
          {
            type: 'text',
            text: `Image URL: https://toolhost-test-image-space.hf.space/gradio_api/file=/tmp/out.png (args ${JSON.stringify(args)})`,
          },
        ],
      }),
    },
  },
  'slow-space': {
    slow_space_count: {
      listing: {
        name: 'slow_space_count',
        description: 'Counts to three, reporting progress.',
        inputSchema: { type: 'object', properties: {} },
      },
      run: async (_args, ctx, abandoned) => {
        const token = ctx.mcpReq._meta?.progressToken;
        for (let step = 1; step <= 3; step++) {
          await delay(20, abandoned);
          if (token !== undefined) {
            await ctx.mcpReq.notify({
              method: 'notifications/progress',
              params: { progressToken: token, progress: step, total: 3, message: `step ${step}` },
            });
          }
        }
        return text('counted to 3');
      },
    },
  },
  'error-space': {
    error_space_fail: {
      listing: {
        name: 'error_space_fail',
        description: 'Always fails, as a Gradio app does when its function raises.',
        inputSchema: { type: 'object', properties: {} },
      },
      run: async () => ({ content: [{ type: 'text', text: 'Error: CUDA out of memory' }], isError: true }),
    },
  },
  'private-space': {
    private_space_whisper: {
      listing: {
        name: 'private_space_whisper',
        description: 'A private Space: only its owner may list or call it.',
        inputSchema: { type: 'object', properties: {} },
      },
      run: async () => text('a secret'),
    },
  },
  'app-space': {
    app_space_count: {
      listing: {
        name: 'app_space_count',
        description: 'Counts, and shows the count in its MCP App.',
        inputSchema: { type: 'object', properties: { by: { type: 'number', default: 1 } } },
        _meta: {
          ui: { resourceUri: 'ui://counter/app.html', visibility: ['model', 'app'] },
          'gradio/kind': 'app',
        },
      },
      run: async (args) => ({
        content: [{ type: 'text', text: `count: ${Number(args['by'] ?? 1)}` }],
        structuredContent: { count: Number(args['by'] ?? 1) },
      }),
    },
    app_space_history: {
      listing: {
        name: 'app_space_history',
        description: 'The counts so far, in the older flat _meta key.',
        inputSchema: { type: 'object', properties: {} },
        _meta: { 'ui/resourceUri': 'ui://counter/history.html' },
      },
      run: async () => text('history: 1'),
    },
  },
  'broken-app-space': {
    broken_app_space_show: {
      listing: {
        name: 'broken_app_space_show',
        description: 'Has an App page, but its resources/list fails.',
        inputSchema: { type: 'object', properties: {} },
        _meta: { ui: { resourceUri: 'ui://broken/page.html' } },
      },
      run: async () => text('shown'),
    },
  },
  'hang-space': {
    hang_space_wait: {
      listing: {
        name: 'hang_space_wait',
        description: 'Never answers.',
        inputSchema: { type: 'object', properties: {} },
      },
      run: (_args, _ctx, abandoned) =>
        new Promise((_resolve, reject) =>
          abandoned.addEventListener('abort', () => reject(new Error('gone'))),
        ),
    },
  },
  'slow-image-space': {
    slow_image_space_infer: {
      listing: {
        name: 'slow_image_space_infer',
        description: 'Generate an image from a prompt, slowly (a ZeroGPU app waiting for a GPU).',
        inputSchema: { type: 'object', properties: { prompt: { type: 'string' } } },
      },
      run: (args, _ctx, abandoned) =>
        new Promise((resolve, reject) => {
          slowImage.started++;
          abandoned.addEventListener('abort', () => reject(new Error('abandoned')));
          slowImage.waiting.push(() =>
            resolve({
              content: [
                { type: 'image', data: PNG_1PX, mimeType: 'image/png' },
                { type: 'text', text: `slow image of ${String(args['prompt'])}` },
              ],
            }),
          );
        }),
    },
  },
};

/** An MCP App page (SEP-1865) a test Space serves over `resources/read`. */
export interface AppPage {
  readonly uri: string;
  readonly name: string;
  readonly html: string;
  /** Listed in `resources/list` (else only a tool's `_meta.ui.resourceUri` names it). */
  readonly listed: boolean;
  readonly _meta?: Record<string, unknown>;
}

export const APP_MIME_TYPE = 'text/html;profile=mcp-app';

/** Pages per Space; a Space with pages declares the resources capability, as MCP App servers do. */
const APP_PAGES: Record<string, AppPage[]> = {
  'broken-app-space': [
    { uri: 'ui://broken/page.html', name: 'broken-page', html: '<p>still here</p>', listed: false },
  ],
  'app-space': [
    {
      uri: 'ui://counter/app.html',
      name: 'counter-app',
      html: '<!doctype html><html><body><div id="count">0</div><script>/* app */</script></body></html>',
      listed: true,
      _meta: {
        ui: { csp: { connectDomains: ['https://toolhost-test-app-space.hf.space'] }, prefersBorder: true },
      },
    },
    {
      uri: 'ui://counter/history.html',
      name: 'counter-history',
      html: '<!doctype html><html><body><ol id="history"></ol></body></html>',
      listed: false,
    },
  ],
};

/** The user of the Hub emulator's fixtures who owns the private test Space. */
export const PRIVATE_OWNER = 'alice';

/** The Hub's record of a test Space, in the shape of /api/spaces/{id}. */
function record(name: string, stage: string, index: number): ApiRepo {
  const subdomain = `${OWNER}-${name}`;
  const isPrivate = name === 'private-space';
  const owner = isPrivate ? PRIVATE_OWNER : OWNER;
  return {
    _id: `6790a1b2c3d4e5f6010000${String(index).padStart(2, '0')}`,
    id: `${owner}/${name}`,
    author: owner,
    sha: '0000000000000000000000000000000000000000',
    lastModified: '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    private: isPrivate,
    gated: false,
    disabled: false,
    subdomain,
    likes: 0,
    sdk: 'gradio',
    tags: ['gradio', 'mcp-server', 'region:us'],
    runtime: {
      stage,
      hardware: { current: stage === 'RUNNING' ? 'cpu-basic' : null, requested: 'cpu-basic' },
      storage: null,
      gcTimeout: 172800,
      replicas: { current: stage === 'RUNNING' ? 1 : 0, requested: 1 },
      devMode: false,
      domains: [{ domain: `${subdomain}.hf.space`, stage: 'READY' }],
    },
    cardData: { title: name, sdk: 'gradio', sdk_version: '5.29.0', app_file: 'app.py' },
    siblings: [{ rfilename: 'app.py' }],
    models: [],
    datasets: [],
    host: `https://${subdomain}.hf.space`,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

export async function startTestSpaces(): Promise<TestSpaces> {
  const requests: RecordedSpaceRequest[] = [];
  const abandoned: string[] = [];
  let connections = 0;
  const socketIds = new WeakMap<object, number>();

  const server: HttpServer = createServer(async (req, res) => {
    const match = /^\/([^/]+)\/gradio_api\/mcp\/?$/.exec(req.url ?? '');
    const name = match?.[1]?.replace(`${OWNER}-`, '');
    const tools = name ? SPACES[name] : undefined;
    const body = req.method === 'POST' ? await readBody(req) : '';
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      parsed = undefined;
    }
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as { method?: string }[];
    requests.push({
      space: name ? `${OWNER}/${name}` : (req.url ?? ''),
      method: req.method ?? 'GET',
      headers: req.headers,
      rpc: messages.flatMap((m) => (m?.method ? [m.method] : [])),
      connection: socketIds.get(req.socket) ?? 0,
    });
    if (!tools) {
      res.writeHead(404).end('Not Found');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    // The Space loses interest when the client goes away before the answer is complete.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const pages = APP_PAGES[name!] ?? [];
    const mcp = new Server(
      { name: `${OWNER}/${name}`, version: '1.0.0' },
      { capabilities: { tools: {}, ...(pages.length > 0 && { resources: {} }) } },
    );
    mcp.setRequestHandler('tools/list', () => ({
      tools: Object.values(tools).map((t) => t.listing) as never,
    }));
    if (pages.length > 0) {
      mcp.setRequestHandler('resources/list', () => {
        if (name === 'broken-app-space') throw new Error('resources/list is broken here');
        return {
          resources: pages
            .filter((page) => page.listed)
            .map(({ uri, name: pageName, _meta }) => ({
              uri,
              name: pageName,
              mimeType: APP_MIME_TYPE,
              ...(_meta && { _meta }),
            })),
        };
      });
      mcp.setRequestHandler('resources/read', (request) => {
        const page = pages.find((p) => p.uri === request.params.uri);
        if (!page) throw new ResourceNotFoundError(request.params.uri);
        return {
          contents: [
            {
              uri: page.uri,
              mimeType: APP_MIME_TYPE,
              text: page.html,
              ...(page._meta && { _meta: page._meta }),
            },
          ],
        };
      });
    }
    mcp.setRequestHandler('tools/call', async (request, ctx) => {
      const tool = tools[request.params.name];
      if (!tool)
        return { content: [{ type: 'text', text: `no tool ${request.params.name}` }], isError: true };
      const signal = AbortSignal.any([gone.signal, ctx.mcpReq.signal]);
      // Only while the Space works on it: the server's clean-up after an answer aborts the signal too.
      let answered = false;
      signal.addEventListener('abort', () => {
        if (!answered) abandoned.push(request.params.name);
      });
      try {
        return await tool.run(request.params.arguments ?? {}, ctx, signal);
      } finally {
        answered = true;
      }
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await mcp.connect(transport);
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(key, value);
    }
    const response = await transport.handleRequest(
      new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers, body, signal: gone.signal }),
      { parsedBody: parsed },
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) {
      res.end();
      return;
    }
    try {
      for await (const chunk of response.body) res.write(chunk);
    } catch {
      // the client went away
    }
    res.end();
    void mcp.close();
  });
  server.on('connection', (socket) => {
    connections++;
    socketIds.set(socket, connections);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const records = [
    ...Object.keys(SPACES).map((name, index) => record(name, 'RUNNING', index)),
    record('sleepy-space', 'SLEEPING', 90),
  ];
  return {
    endpoint: `http://127.0.0.1:${port}/{subdomain}/gradio_api/mcp/`,
    port,
    records,
    requests,
    get connections() {
      return connections;
    },
    abandoned,
    pages: Object.fromEntries(Object.entries(APP_PAGES).map(([name, list]) => [`${OWNER}/${name}`, list])),
    slowImage: {
      get started() {
        return slowImage.started;
      },
      release: () => slowImage.release(),
    },
    tools: Object.fromEntries(
      Object.entries(SPACES).map(([name, tools]) => [
        `${OWNER}/${name}`,
        Object.values(tools).map((t) => t.listing),
      ]),
    ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
