import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/shared-stores.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/shared-stores.ts'] },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
