import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources in tests (see each package's "source" export).
    conditions: ['source'],
  },
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
