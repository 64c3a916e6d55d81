import { defineConfig } from 'tsup';

/** How every plugin package builds: one ESM entry with its types (each plugin's tsup.config.ts re-exports this). */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
