import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    'api/index': 'src/api/index.ts',
    'kernel/index': 'src/kernel/index.ts',
    'ports/index': 'src/ports/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
