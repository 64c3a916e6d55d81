/** 4213377 → "4.2M", 1234 → "1,234": counts a person can read at a glance. */
export function compactNumber(value: number): string {
  if (value >= 1_000_000_000) return `${(value / 1_000_000_000).toFixed(1)}B`;
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${(value / 1_000).toFixed(1)}k`;
  return value.toLocaleString('en-US');
}

/** ISO timestamp → "2024-10-04". */
export const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : 'unknown');

/** Parameter count → "1.5B params". */
export function parameters(count: number): string {
  return `${compactNumber(count)} params`;
}
