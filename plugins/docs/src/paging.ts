import { ToolError } from '@toolhost/core';

export interface Page {
  content: string;
  offset: number;
  /** Where this page ends (exclusive). */
  end: number;
  total: number;
  /** Where the next page starts; absent on the last page. */
  nextOffset?: number;
}

/**
 * The part of `text` from `offset`, at most `size` characters, ending at a paragraph
 * or line break when one falls in the last 40% so that pages do not split sentences.
 */
export function pageOf(text: string, offset: number, size: number): Page {
  const total = text.length;
  if (offset > 0 && offset >= total) {
    throw new ToolError(
      `offset ${offset} is past the end of this document (${total.toLocaleString('en-US')} characters); start from offset 0.`,
    );
  }
  let end = Math.min(total, offset + size);
  if (end < total) {
    const window = text.slice(offset, end);
    const floor = Math.floor(window.length * 0.6);
    const paragraph = window.lastIndexOf('\n\n');
    const line = window.lastIndexOf('\n');
    if (paragraph >= floor) end = offset + paragraph + 2;
    else if (line >= floor) end = offset + line + 1;
  }
  return { content: text.slice(offset, end), offset, end, total, ...(end < total && { nextOffset: end }) };
}
