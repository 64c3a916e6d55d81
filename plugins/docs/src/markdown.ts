import TurndownService from 'turndown';

/*
 * Documentation pages come as HTML with site chrome around the article. Turndown
 * (the converter Hugging Face's own MCP server uses) turns the article into markdown;
 * these rules drop what a model has no use for: navigation, scripts, forms and the
 * SVG icons inside heading anchors.
 */
const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
});
turndown.remove([
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
turndown.remove((node) => node.nodeName.toLowerCase() === 'svg');

/** The page as markdown: passed through when the Hub sent markdown or text, converted when HTML. */
export function toMarkdown(body: string, contentType: string): string {
  if (/text\/(markdown|plain)/i.test(contentType)) return body.trim();
  // The head goes first: parsed as a fragment, its <title> would otherwise read as body text.
  const html = body.replace(/<head[\s\S]*?<\/head>/i, '');
  return (
    turndown
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
