import { defineConfig } from 'tsup';

/**
 * The web console's pages (`web/*.ts`, their CSS and uPlot) bundled for the browser
 * into `dist/web/`, which the server serves at `/console/*`. Runs after the server's
 * own build (which cleans `dist/`), so it does not clean.
 */
export default defineConfig({
  entry: { settings: 'web/settings.ts', dashboard: 'web/dashboard.ts' },
  outDir: 'dist/web',
  format: ['iife'],
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  clean: false,
  dts: false,
  // Everything the pages use goes in their bundle: no CDN, nothing loaded from elsewhere.
  noExternal: [/.*/],
  outExtension: () => ({ js: '.js' }),
});
