import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (each package's
// "toolhost:source" export), so tests never run a stale build. Vitest also starts its
// workers with these conditions, so they are the ones Node itself understands: a
// "module" condition would make Node load bundler builds (OpenTelemetry's do not run in Node).
const conditions = ['toolhost:source', 'import', 'node', 'default'];
// Vitest hands the SSR conditions to the test processes as Node's --conditions, which
// apply to require() too: with `import` among them, a CommonJS package's require() of a dual
// package (pg → pg-pool) loads its ES module build and fails. Vite adds import/require per import.
const ssrConditions = conditions.filter((condition) => condition !== 'import');

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: ssrConditions, externalConditions: conditions } },
  test: {
    include: [
      'core/test/**/*.test.ts',
      'plugins/*/test/**/*.test.ts',
      'server/test/**/*.test.ts',
      'testing/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
