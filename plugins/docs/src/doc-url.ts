import { ToolError } from '@toolhost/core';

/** Hosts of the Hugging Face documentation; the configured Hub endpoint's host counts too. */
const DOCS_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);

/**
 * The path (and query) of a Hugging Face documentation page, from a docs URL or a
 * "/docs/…" path. Anything else — another host, another part of the Hub, another
 * scheme — is refused with a message the model can act on. The page is then fetched
 * from the configured Hub endpoint, never from the host in the URL.
 */
export function docsPath(input: string, endpoint: string): string {
  let url: URL;
  try {
    url = new URL(input.trim(), `${endpoint}/`);
  } catch {
    throw new ToolError(
      `"${input}" is not a URL. Give a documentation URL such as https://huggingface.co/docs/hub/index.`,
    );
  }
  const hubHost = new URL(endpoint).host;
  if (
    !['http:', 'https:'].includes(url.protocol) ||
    !(DOCS_HOSTS.has(url.hostname) || url.host === hubHost)
  ) {
    throw new ToolError(
      `Only Hugging Face documentation can be fetched (https://huggingface.co/docs/…); ${url.protocol === 'http:' || url.protocol === 'https:' ? url.host : url.protocol} is not a Hugging Face docs host.`,
    );
  }
  if (!url.pathname.startsWith('/docs/')) {
    throw new ToolError(
      'Only documentation pages can be fetched: the path must start with /docs/, e.g. https://huggingface.co/docs/hub/repositories.',
    );
  }
  return `${url.pathname}${url.search}`;
}
