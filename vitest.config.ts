import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (each package's
// "toolhost:source" export), so tests never run a stale build.
const conditions = ['toolhost:source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
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
