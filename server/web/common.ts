/** Small DOM helpers shared by the console pages. Text is always set as text, never parsed as HTML. */

type Child = Node | string | null | undefined | false;

/** `el('p', { class: 'muted' }, 'text', child)`: an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** The element with this id, which the page itself created. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element as T;
}

/** A status line's text and tone (announced to screen readers: the line is `aria-live`). */
export function setStatus(element: HTMLElement, text: string, tone: 'ok' | 'error' | '' = ''): void {
  element.textContent = text;
  element.className = `status${tone ? ` ${tone}` : ''}`;
}

export interface Column<T> {
  label: string;
  num?: boolean;
  value: (row: T) => string | number;
}

/** A table of rows in `host` (replacing what it held), or a note when there are none. */
export function renderTable<T>(host: HTMLElement, columns: Column<T>[], rows: T[], caption?: string): void {
  if (rows.length === 0) {
    host.replaceChildren(el('p', { class: 'empty' }, 'Nothing yet.'));
    return;
  }
  const table = el(
    'table',
    {},
    caption ? el('caption', { class: 'visually-hidden' }, caption) : null,
    el(
      'thead',
      {},
      el('tr', {}, ...columns.map((c) => el('th', { class: c.num ? 'num' : undefined }, c.label))),
    ),
    el(
      'tbody',
      {},
      ...rows.map((row) =>
        el(
          'tr',
          {},
          ...columns.map((c) => el('td', { class: c.num ? 'num' : undefined }, String(c.value(row)))),
        ),
      ),
    ),
  );
  host.replaceChildren(el('div', { class: 'table-wrap' }, table));
}

/** The error message an API answer carries, else its status. */
export async function errorOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: string; error?: string | { message?: string } };
    const nested = typeof body.error === 'object' ? body.error.message : undefined;
    return body.message ?? nested ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}
