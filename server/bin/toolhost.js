#!/usr/bin/env node
// The `toolhost` command. The CLI is built to dist/ by `npm run build` (run by `npm ci` via prepare).
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write(
      'toolhost: the server is not built yet; run `npm run build` in the repository root\n',
    );
    process.exit(1);
  }
  throw error;
});
