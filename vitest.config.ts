import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (each package's
// "toolhost:source" export), so tests never run a stale build.
const conditions = ['toolhost:source', 'import', 'module', 'node', 'default'];
// Vitest also hands the SSR conditions to the test processes as Node's --conditions, which
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
      'test/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
