import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { describePlugins, loadTokenCounter, type ToolTokenCost } from '@toolhost/core/kernel';
import pino from 'pino';
import { PluginUsageError } from './plugin-usage';

/** A description longer than this many tokens is flagged: every caller pays for it on every listing. */
export const LONG_DESCRIPTION_TOKENS = 200;

const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

interface ToolReport {
  name: string;
  title?: string;
  annotations: Record<string, unknown>;
  tokens: ToolTokenCost;
}

export interface CheckReport {
  id: string;
  version: string;
  kernel: string;
  tools: ToolReport[];
  /** Tokens of every tool listing together. */
  totalTokens: number;
  warnings: string[];
  /** Set when the plugin has a tool source: its per-caller tools are not counted. */
  note?: string;
}

/** What `--snapshot` records per tool: everything a model sees in `tools/list`. */
type SnapshotTool = Record<string, unknown> & { name: string };

export class SnapshotDriftError extends Error {}

/** A manifest-style `use:` for the argument: paths stay paths (relative to the working folder), else a package name. */
function specifierOf(target: string): string {
  if (target.startsWith('.') || isAbsolute(target) || target.startsWith('file:')) return target;
  return existsSync(target) ? `./${target}` : target;
}

/** Deterministic JSON: keys sorted, so a snapshot diff shows content changes only. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .toSorted()
        .map((key) => [key, stable((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Load the plugin without set-up or serving, and measure its tools. */
export async function checkPlugin(
  target: string,
  cwd: string,
): Promise<{ report: CheckReport; snapshot: SnapshotTool[] }> {
  const [described] = await describePlugins([{ use: specifierOf(target) }], {
    baseDir: cwd,
    logger: pino({ level: 'silent' }),
  });
  const plugin = described!;
  const counter = await loadTokenCounter();
  const warnings: string[] = [];
  const tools = plugin.tools.map((tool): ToolReport => {
    const tokens = counter.toolCost(tool);
    const annotations = { ...tool.annotations };
    if (!HINTS.some((hint) => hint in annotations)) {
      warnings.push(
        `${tool.name}: no annotations: say whether it only reads (readOnly), destroys (destructive), can be repeated (idempotent) and reaches outside (openWorld)`,
      );
    }
    const descriptionTokens = counter.count(tool.description ?? '');
    if (descriptionTokens > LONG_DESCRIPTION_TOKENS) {
      warnings.push(
        `${tool.name}: the description is ${descriptionTokens} tokens (over ${LONG_DESCRIPTION_TOKENS}); every caller pays for it on every tools/list`,
      );
    }
    if (!tool.description) warnings.push(`${tool.name}: no description: a model cannot tell when to use it`);
    return { name: tool.name, ...(tool.title !== undefined && { title: tool.title }), annotations, tokens };
  });
  const report: CheckReport = {
    id: plugin.id,
    version: plugin.version,
    kernel: plugin.kernel,
    tools,
    totalTokens: tools.reduce((sum, tool) => sum + tool.tokens.total, 0),
    warnings,
    ...(plugin.toolSource && {
      note: 'it also adds per-caller tools (a tool source); those depend on the caller and are not listed here',
    }),
  };
  const snapshot = plugin.tools
    .map((tool) => stable(tool) as SnapshotTool)
    .toSorted((a, b) => a.name.localeCompare(b.name));
  return { report, snapshot };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The report as a table for people. */
export function formatReport(report: CheckReport): string[] {
  const lines = [`${report.id} ${report.version} (kernel ${report.kernel})`, ''];
  const hints = (a: Record<string, unknown>) =>
    HINTS.filter((hint) => a[hint] === true)
      .map((hint) => hint.replace(/Hint$/, ''))
      .join(',') || '-';
  const rows = report.tools.map((t) => [
    t.name,
    t.title ?? '-',
    hints(t.annotations),
    String(t.tokens.name),
    String(t.tokens.description),
    String(t.tokens.schemas),
    String(t.tokens.total),
  ]);
  const header = ['tool', 'title', 'annotations', 'name', 'description', 'schemas', 'total'];
  const footer = ['total', '', '', '', '', '', String(report.totalTokens)];
  const widths = header.map((h, i) => Math.max(h.length, ...[...rows, footer].map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => pad(cell, widths[i]!, i >= 3))
      .join('  ')
      .trimEnd();
  lines.push(line(header), ...rows.map(line), line(footer));
  lines.push(
    '',
    'Tokens (o200k_base) a model reads for each tool in tools/list; total counts the whole entry.',
  );
  if (report.note) lines.push(`Note: ${report.note}.`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

/**
 * Write the snapshot when the file does not exist (or `update`), else compare and
 * throw `SnapshotDriftError` naming every tool that changed.
 */
export function applySnapshot(file: string, snapshot: SnapshotTool[], update: boolean): { written: boolean } {
  if (update || !existsSync(file)) {
    writeFileSync(file, `${JSON.stringify(snapshot, null, 2)}\n`);
    return { written: true };
  }
  let recorded: SnapshotTool[];
  try {
    recorded = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(recorded)) throw new Error('not a list of tools');
  } catch (error) {
    throw new PluginUsageError(`${file} is not a tool snapshot: ${(error as Error).message}`);
  }
  const before = new Map(recorded.map((tool) => [tool.name, tool]));
  const after = new Map(snapshot.map((tool) => [tool.name, tool]));
  const drift: string[] = [];
  for (const [name, tool] of after) {
    const old = before.get(name);
    if (!old) {
      drift.push(`${name}: added`);
      continue;
    }
    const fields = [...new Set([...Object.keys(old), ...Object.keys(tool)])].filter(
      (key) => JSON.stringify(stable(old[key])) !== JSON.stringify(stable(tool[key])),
    );
    if (fields.length > 0) drift.push(`${name}: ${fields.join(', ')} changed`);
  }
  for (const name of before.keys()) if (!after.has(name)) drift.push(`${name}: removed`);
  if (drift.length > 0) {
    throw new SnapshotDriftError(
      `the tools differ from the snapshot ${file}:\n${drift.map((d) => `  ${d}`).join('\n')}\nIf the change is intended, record it again with --update-snapshot.`,
    );
  }
  return { written: false };
}

/** `toolhost plugin check <package-or-path> [--json] [--snapshot FILE [--update-snapshot]]`. */
export async function pluginCheck(
  target: string | undefined,
  options: { json?: boolean; snapshot?: string; updateSnapshot?: boolean },
  out: (line: string) => void,
): Promise<void> {
  if (!target)
    throw new PluginUsageError('plugin check needs a package name or a path: toolhost plugin check .');
  const { report, snapshot } = await checkPlugin(target, process.cwd());
  if (options.json) out(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) out(line);
  if (options.snapshot !== undefined) {
    const file = resolve(options.snapshot);
    const { written } = applySnapshot(file, snapshot, options.updateSnapshot === true);
    // On stderr: --json keeps stdout for the report alone.
    process.stderr.write(
      written ? `toolhost: wrote the tool snapshot ${file}\n` : `toolhost: the tools match ${file}\n`,
    );
  }
}
