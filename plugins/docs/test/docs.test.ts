import { describe, expect, it } from 'vitest';
import { docsPath } from '../src/doc-url';
import { toMarkdown } from '../src/markdown';
import { pageOf } from '../src/paging';

const HUB = 'https://huggingface.co';

describe('which documentation URLs may be fetched', () => {
  it.each([
    ['https://huggingface.co/docs/hub/index', HUB, '/docs/hub/index'],
    ['https://hf.co/docs/transformers/main/en/index?x=1#top', HUB, '/docs/transformers/main/en/index?x=1'],
    ['/docs/hub/spaces', HUB, '/docs/hub/spaces'],
    ['http://127.0.0.1:4000/docs/hub/spaces', 'http://127.0.0.1:4000', '/docs/hub/spaces'],
    ['https://huggingface.co/docs/hub/../hub/spaces', HUB, '/docs/hub/spaces'],
  ])('%s', (url, endpoint, path) => {
    expect(docsPath(url, endpoint)).toBe(path);
  });

  it.each([
    ['https://evil.example/docs/hub/index', /evil\.example is not a Hugging Face docs host/],
    ['https://huggingface.co.evil.example/docs/x', /is not a Hugging Face docs host/],
    ['http://127.0.0.1:4000/docs/hub/spaces', /127\.0\.0\.1:4000 is not a Hugging Face docs host/],
    ['javascript:alert(1)', /javascript: is not a Hugging Face docs host/],
    ['https://huggingface.co/openai/whisper-large-v3', /path must start with \/docs\//],
    ['https://huggingface.co/docs/../api/whoami-v2', /path must start with \/docs\//],
  ])('refuses %s', (url, message) => {
    expect(() => docsPath(url, HUB)).toThrow(message);
  });
});

describe('paging', () => {
  const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}: ${'words '.repeat(10).trim()}.`).join(
    '\n\n',
  );

  it('splits at paragraph breaks, and the pages put back together are the document', () => {
    const pages = [];
    let offset = 0;
    for (;;) {
      const page = pageOf(text, offset, 500);
      expect(page.content.length).toBeLessThanOrEqual(500);
      pages.push(page);
      if (page.nextOffset === undefined) break;
      expect(page.content.endsWith('\n\n')).toBe(true);
      offset = page.nextOffset;
    }
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.map((p) => p.content).join('')).toBe(text);
    expect(pages.at(-1)!.end).toBe(text.length);
  });

  it('refuses an offset past the end', () => {
    expect(() => pageOf('short', 99, 100)).toThrow(
      /offset 99 is past the end of this document \(5 characters\)/,
    );
    expect(pageOf('', 0, 100)).toMatchObject({ content: '', total: 0 });
  });
});

describe('HTML to markdown', () => {
  it('keeps the article and drops the chrome', async () => {
    const markdown = await toMarkdown(
      '<html><head><title>T</title><script>x()</script></head><body><nav>menu</nav><h1><a href="#t"><svg><path/></svg></a>Title</h1><p>Body <code>code</code>.</p><footer>foot</footer></body></html>',
      'text/html; charset=utf-8',
    );
    expect(markdown).toBe('# Title\n\nBody `code`.');
  });

  it('passes markdown through', async () => {
    expect(await toMarkdown('# Hi\n\n<b>kept</b>\n', 'text/markdown')).toBe('# Hi\n\n<b>kept</b>');
  });
});
