import { KERNEL_VERSION } from '@toolhost/core';

/**
 * The files `toolhost plugin init` writes: a standalone plugin package that builds
 * with tsup and tests with vitest and `@toolhost/testing`, outside this repository.
 * Tool versions are the ones this repository builds and tests with on Node 20.
 */
export const TEMPLATE_VERSIONS = {
  typescript: '6.0.3',
  tsup: '8.5.0',
  vitest: '4.1.12',
} as const;

/** A plugin id (`^[a-z][a-z0-9-]{0,63}$`) from a package name: `@acme/toolhost-plugin-weather` → `weather`. */
export function pluginIdOf(packageName: string): string {
  const base = packageName
    .replace(/^@[^/]+\//, '')
    .replace(/^toolhost-plugin-/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
  return base.length > 0 ? base : 'my-plugin';
}

export function templateFiles(packageName: string): Record<string, string> {
  const id = pluginIdOf(packageName);
  const tool = `${id.replace(/-/g, '_')}_hello`;
  const range = `^${KERNEL_VERSION}`;
  const packageJson = {
    name: packageName,
    version: '0.1.0',
    description: `Toolhost plugin: ${id}.`,
    type: 'module',
    keywords: ['toolhost', 'toolhost-plugin', 'mcp'],
    engines: { node: '>=20' },
    files: ['dist'],
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    scripts: { build: 'tsup', test: 'vitest run', prepublishOnly: 'npm run build && npm test' },
    // The host's @toolhost/core serves every plugin: never a copy of the plugin's own.
    peerDependencies: { '@toolhost/core': range },
    devDependencies: {
      '@toolhost/core': range,
      '@toolhost/testing': range,
      tsup: TEMPLATE_VERSIONS.tsup,
      typescript: TEMPLATE_VERSIONS.typescript,
      vitest: TEMPLATE_VERSIONS.vitest,
    },
  };
  return {
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2023'],
          strict: true,
          skipLibCheck: true,
          isolatedModules: true,
          verbatimModuleSyntax: true,
          declaration: true,
          types: [],
          // tsup's type build sets baseUrl, which TypeScript 6 deprecates.
          ignoreDeprecations: '6.0',
        },
        include: ['src', 'test'],
      },
      null,
      2,
    )}\n`,
    'tsup.config.ts': `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
});
`,
    '.gitignore': 'node_modules/\ndist/\n',
    'src/index.ts': `import { definePlugin } from '@toolhost/core';
import { hello } from './tools/hello';

export default definePlugin({
  id: '${id}',
  version: '0.1.0',
  kernel: '${range}', // the @toolhost/core versions this plugin works with
  tools: [hello],
});
`,
    'src/tools/hello.ts': `import { defineTool, ToolError, z } from '@toolhost/core';

export const hello = defineTool({
  name: '${tool}',
  title: 'Say hello',
  description: 'Greet someone by name. Use it to check that the ${id} plugin is installed.',
  input: z.object({ name: z.string().min(1).max(100).describe('Who to greet') }),
  output: z.object({ greeting: z.string() }),
  render: ({ greeting }) => greeting,
  annotations: { readOnly: true, idempotent: true, openWorld: false },
  handler: async ({ name }) => {
    if (name.trim() === '') throw new ToolError('Give a name with at least one letter.');
    return { greeting: \`Hello, \${name}!\` };
  },
});
`,
    'test/hello.test.ts': `import { startTestKernel, type TestKernel } from '@toolhost/testing';
import { afterEach, describe, expect, it } from 'vitest';
import plugin from '../src/index';

let kernel: TestKernel | undefined;
afterEach(async () => {
  await kernel?.close();
});

describe('${tool}', () => {
  it('is listed with its annotations', async () => {
    kernel = await startTestKernel({ plugins: [plugin] });
    const [tool] = await kernel.listTools();
    expect(tool).toMatchObject({ name: '${tool}', annotations: { readOnlyHint: true } });
  });

  it('greets', async () => {
    kernel = await startTestKernel({ plugins: [plugin], era: 'modern' });
    const result = await kernel.callTool('${tool}', { name: 'Ada' });
    expect(result.structuredContent).toEqual({ greeting: 'Hello, Ada!' });
  });

  it('answers a blank name with an error the model can act on', async () => {
    kernel = await startTestKernel({ plugins: [plugin] });
    const result = await kernel.callTool('${tool}', { name: '  ' });
    expect(result).toMatchObject({ isError: true, content: [{ text: 'Give a name with at least one letter.' }] });
  });
});
`,
    'README.md': `# ${packageName}

A Toolhost plugin. It adds the \`${tool}\` tool.

## Use it

Install it next to your Toolhost manifest and name it there:

\`\`\`sh
npm install ${packageName}
\`\`\`

\`\`\`yaml
# toolhost.config.yaml
plugins:
  - use: "${packageName}"   # or a path: ./${id}
\`\`\`

## Develop

\`\`\`sh
npm install
npm test                     # the real kernel and an MCP client, in memory (@toolhost/testing)
npm run build                # dist/index.js and its types
npx toolhost plugin check .  # tools, annotations and what they cost a model's context
\`\`\`

The plugin imports only \`@toolhost/core\`, a peer dependency: the Toolhost that loads
it provides its own copy (range \`${range}\`, as \`kernel\` in \`src/index.ts\`).
`,
  };
}
