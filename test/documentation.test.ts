/**
 * The README and docs/ stay true to the code they describe: every relative link and
 * anchor resolves, every manifest section they show is one the manifest accepts
 * (the schema is strict, so a renamed or misspelled option fails here), and the
 * README stays a front door.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseManifest } from '@toolhost/server';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './src/helpers';

const DOCS = join(REPO_ROOT, 'docs');
const PAGES = [
  join(REPO_ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(DOCS, name)),
];
const name = (file: string) => relative(REPO_ROOT, file);
const read = (file: string) => readFileSync(file, 'utf8');

/** Markdown without its fenced code blocks. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchorsOf = (file: string) =>
  new Set([...prose(read(file)).matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading!)));

describe.each(PAGES.map((file) => [name(file), file] as const))('%s', (_name, file) => {
  const text = read(file);

  it('links only to files and headings that exist', () => {
    const links = [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)]
      .map(([, target]) => target!)
      .filter((target) => !/^[a-z]+:/.test(target));
    for (const link of links) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path ? resolve(dirname(file), path) : file;
      expect(existsSync(target), `${link}: no such file`).toBe(true);
      if (anchor) expect(anchorsOf(target), `${link}: no such heading`).toContain(anchor);
    }
  });

  it('shows only manifest sections the manifest accepts', () => {
    const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map(([, body]) => body!);
    for (const block of blocks) {
      const data = parseYaml(block) as Record<string, unknown>;
      // A fragment (one section) is checked inside the smallest complete manifest.
      const manifest = { plugins: [{ use: '@toolhost/plugin-hub' }], ...data };
      expect(() => parseManifest(manifest, name(file)), block).not.toThrow();
    }
  });
});

describe('README.md is the front door', () => {
  const readme = read(join(REPO_ROOT, 'README.md'));

  it('is short, and links every page of docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    for (const page of PAGES.slice(1)) expect(readme).toContain(`](${name(page)})`);
  });

  it('says how to start, pass flags through npm, connect, test, and what to do when it fails', () => {
    for (const needed of [
      'npm ci',
      'npm start',
      'npm start -- --port 8080',
      'npm test',
      '--stdio',
      'mcp-remote',
      'inspector',
      '/healthz',
      '/readyz',
      '**Token rejected**',
      '**Hub unreachable.**',
      '**Port taken.**',
      '**Read-only folder.**',
    ])
      expect(readme).toContain(needed);
  });
});
