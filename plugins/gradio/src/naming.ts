import { createHash } from 'node:crypto';

/** Many clients accept tool names of at most 64 characters from [A-Za-z0-9_-]. */
export const MAX_TOOL_NAME = 64;

const hash = (text: string, length = 6) => createHash('sha256').update(text).digest('hex').slice(0, length);

const clean = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');

/** `evalstate/flux1.schnell` → `evalstate_flux1_schnell`: the prefix of every tool of that Space. */
export function spacePrefix(spaceId: string): string {
  return clean(spaceId.replace('/', '_'));
}

/**
 * `<owner>_<space>_<tool>`, readable and stable. Longer than 64 characters, it is
 * cut and ends with a short hash of the full name, so two long names stay apart.
 */
export function proxiedToolName(spaceId: string, tool: string): string {
  const full = `${spacePrefix(spaceId)}_${clean(tool)}`;
  if (full.length <= MAX_TOOL_NAME) return full;
  return `${full.slice(0, MAX_TOOL_NAME - 7)}_${hash(`${spaceId}\n${tool}`)}`;
}

/**
 * Names for a set of Space tools. Names that collide (`a.b/c` and `a_b/c` clean to
 * the same prefix) all get a hash of their Space and tool appended, so the outcome
 * does not depend on the order Spaces were listed in.
 */
export function nameTools<T extends { spaceId: string; tool: string }>(
  entries: readonly T[],
): Map<T, string> {
  const counts = new Map<string, number>();
  const wanted = entries.map((entry) => proxiedToolName(entry.spaceId, entry.tool));
  for (const name of wanted) counts.set(name, (counts.get(name) ?? 0) + 1);
  return new Map(
    entries.map((entry, index) => {
      const name = wanted[index]!;
      if (counts.get(name) === 1) return [entry, name];
      const suffix = `_${hash(`${entry.spaceId}\n${entry.tool}`)}`;
      return [entry, `${name.slice(0, MAX_TOOL_NAME - suffix.length)}${suffix}`];
    }),
  );
}
