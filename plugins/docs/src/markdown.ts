import type TurndownService from 'turndown';

/*
 * Documentation pages come as HTML with site chrome around the article. Turndown
 * (the converter Hugging Face's own MCP server uses) turns the article into markdown;
 * these rules drop what a model has no use for: navigation, scripts, forms and the
 * SVG icons inside heading anchors.
 */
let converter: Promise<TurndownService> | undefined;

/** Turndown and its DOM are loaded on the first HTML page, not at start-up (they cost ~100 ms). */
function turndown(): Promise<TurndownService> {
  converter ??= import('turndown').then(({ default: Turndown }) => {
    const service = new Turndown({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
    service.remove([
      'script',
      'style',
      'noscript',
      'nav',
      'header',
      'footer',
      'aside',
      'form',
      'button',
      'iframe',
    ]);
    service.remove((node) => node.nodeName.toLowerCase() === 'svg');
    return service;
  });
  return converter;
}

/** The page as markdown: passed through when the Hub sent markdown or text, converted when HTML. */
export async function toMarkdown(body: string, contentType: string): Promise<string> {
  if (/text\/(markdown|plain)/i.test(contentType)) return body.trim();
  // The head goes first: parsed as a fragment, its <title> would otherwise read as body text.
  const html = body.replace(/<head[\s\S]*?<\/head>/i, '');
  return (
    (await turndown())
      .turndown(html)
      // Links left empty once their icons were removed, e.g. heading anchors.
      .replace(/\[\s*\]\([^)]*\)/g, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** The first "# Heading" of a markdown page. */
export function titleOf(markdown: string): string | undefined {
  return /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim();
}
