#!/usr/bin/env node
// `npm run conformance [-- active|pending|alpha]`: serve examples/conformance.yaml and run the
// official MCP conformance suite (@modelcontextprotocol/conformance) against it.
//   active   0.1.x, the active server scenarios (default; what CI runs)
//   pending  0.1.x, the pending scenarios
//   alpha    0.2.0-alpha, with --requirements 2026-07-28
// Further arguments go to the suite (e.g. `--scenario NAME --verbose` runs one scenario).
// Every check's result is saved (the suite's `-o`) under test/artifacts/conformance/<mode>-<time>/
// (gitignored; CI keeps the folder as an artifact) unless the arguments name their own `-o`;
// CONFORMANCE_RESULTS=DIR picks the parent folder.
// The suite needs Node >= 22: on an older Node, node@22 is installed from npm into .tools/.
// Needs a build (`npm run build`): the server is imported from its dist.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const SUITES = {
  active: { version: '0.1.16', args: ['--suite', 'active'] },
  pending: { version: '0.1.16', args: ['--suite', 'pending'] },
  alpha: { version: '0.2.0-alpha.12', args: ['--requirements', '2026-07-28'] },
};
const NODE_22 = '22.23.3';

const mode = process.argv[2] ?? 'active';
const suite = SUITES[mode];
if (!suite) {
  console.error(`unknown mode ${JSON.stringify(mode)}; use one of ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

/** `npm install PKG@VERSION` into its own folder under .tools/ once; returns that folder. */
function installTool(name, version) {
  const dir = join(tools, `${name.replace(/^@[^/]+\//, '')}-${version}`);
  if (!existsSync(join(dir, 'node_modules', ...name.split('/'), 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    console.error(`installing ${name}@${version} into ${dir}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `${name}@${version}`], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  return dir;
}

function node22() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  return join(installTool('node', NODE_22), 'node_modules', 'node', 'bin', 'node');
}

const suiteDir = installTool('@modelcontextprotocol/conformance', suite.version);
const suiteEntry = join(suiteDir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const node = node22();

const { buildApp, loadManifest } = await import('@toolhost/server');
const { manifest, baseDir } = loadManifest(join(root, 'examples', 'conformance.yaml'));
const app = await buildApp({ manifest, baseDir });
const base = await app.listen({ host: manifest.server.host, port: manifest.server.port });
const url = `${base}/mcp`;
console.error(
  `conformance ${suite.version} (${mode}) against ${url} with node ${execFileSync(node, ['--version']).toString().trim()}`,
);

// Extra arguments go to the suite; `--scenario X` replaces the mode's own selection.
const extra = process.argv.slice(3);
const selection = extra.includes('--scenario') ? [] : suite.args;
const namesOutput = extra.includes('-o') || extra.includes('--output-dir');
const results = join(
  process.env.CONFORMANCE_RESULTS ?? join(root, 'test', 'artifacts', 'conformance'),
  `${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);
if (!namesOutput) mkdirSync(results, { recursive: true });
const output = namesOutput ? [] : ['-o', results];
const child = spawn(node, [suiteEntry, 'server', '--url', url, ...selection, ...output, ...extra], {
  stdio: 'inherit',
});
const code = await new Promise((done) =>
  child.on('exit', (status, signal) => done(status ?? (signal ? 1 : 0))),
);
await app.close();
if (!namesOutput) console.error(`conformance results saved under ${results}`);
process.exit(code);
