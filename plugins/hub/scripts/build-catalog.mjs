#!/usr/bin/env node
/**
 * Builds the offline catalog (data/catalog.json) from the `@huggingface/tasks` package:
 * the models, datasets and Spaces it lists as examples for each task, with their
 * descriptions and the tasks they appear under. Run by the plugin's build; the output
 * is committed so the package works without this script.
 *
 *   node scripts/build-catalog.mjs          write data/catalog.json
 *   node scripts/build-catalog.mjs --stdout  print it instead (the freshness test uses this)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** The catalog as JSON text, deterministic for a given @huggingface/tasks version. */
export async function buildCatalog() {
  const { TASKS_DATA } = await import('@huggingface/tasks');
  const tasksPackage = JSON.parse(readFileSync(require.resolve('@huggingface/tasks/package.json'), 'utf8'));
  const kinds = { models: new Map(), datasets: new Map(), spaces: new Map() };
  const tasks = {};
  for (const taskId of Object.keys(TASKS_DATA).sort()) {
    const task = TASKS_DATA[taskId];
    if (!task) continue; // tasks without a page
    tasks[taskId] = task.label;
    for (const [kind, entries] of Object.entries(kinds)) {
      for (const { id, description } of task[kind] ?? []) {
        const entry = entries.get(id) ?? { id, description: description.trim(), tasks: [] };
        // A repo listed under several tasks keeps its first description and every task.
        if (!entry.tasks.includes(taskId)) entry.tasks.push(taskId);
        entries.set(id, entry);
      }
    }
  }
  const sorted = (entries) => [...entries.values()].sort((a, b) => a.id.localeCompare(b.id));
  const catalog = {
    source: `@huggingface/tasks@${tasksPackage.version}`,
    tasks,
    models: sorted(kinds.models),
    datasets: sorted(kinds.datasets),
    spaces: sorted(kinds.spaces),
  };
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await buildCatalog();
  if (process.argv.includes('--stdout')) process.stdout.write(text);
  else {
    mkdirSync(new URL('../data/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../data/catalog.json', import.meta.url), text);
  }
}
