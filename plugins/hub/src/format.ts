/** One formatter for every number: `toLocaleString` builds a new one per call (~10 µs). */
const GROUPED = new Intl.NumberFormat('en-US');

/** 4213377 → "4.2M", 1234 → "1,234": counts a person can read at a glance. */
export function compactNumber(value: number): string {
  if (value >= 1_000_000_000) return `${(value / 1_000_000_000).toFixed(1)}B`;
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${(value / 1_000).toFixed(1)}k`;
  // Whole counts below 10,000 (nearly all of them) need at most one comma: by hand, as
  // Intl would write it, without its formatter (the largest item of a search's render).
  if (Number.isInteger(value) && value >= 0 && !Object.is(value, -0)) {
    return value < 1_000
      ? String(value)
      : `${Math.floor(value / 1_000)},${String(value % 1_000).padStart(3, '0')}`;
  }
  return GROUPED.format(value);
}

/** ISO timestamp → "2024-10-04". */
export const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : 'unknown');

/** Parameter count → "1.5B params". */
export function parameters(count: number): string {
  return `${compactNumber(count)} params`;
}

/** 1 → "1 model", 3 → "3 models". */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A byte count → "1.2 GB". */
export function bytes(count: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = count;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Shorten free text (card descriptions, abstracts) to `max` characters on a word boundary. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** "a, b, c, …" with at most `max` items shown. */
export function list(items: readonly string[], max = 20): string {
  return items.length > max
    ? `${items.slice(0, max).join(', ')}, … (${items.length} in all)`
    : items.join(', ');
}

/** A "- **Key:** value" bullet list, skipping facts that are unknown. */
export function facts(
  entries: readonly (readonly [string, string | number | undefined | false])[],
): string[] {
  return entries
    .filter(
      (entry): entry is readonly [string, string | number] => entry[1] !== undefined && entry[1] !== false,
    )
    .map(([key, value]) => `- **${key}:** ${value}`);
}

/** "public", "gated (manual approval)" or "private"; undefined when unknown (catalog answers). */
export function access(repo: {
  private?: boolean | undefined;
  gated?: false | 'auto' | 'manual' | undefined;
}) {
  if (repo.private) return 'private';
  if (repo.gated) return `gated (${repo.gated} approval)`;
  return repo.gated === false ? 'public' : undefined;
}
