import { z } from 'zod';

/**
 * An icon a client may show next to a tool or the server (MCP 2025-11-25, SEP-973):
 * `src` is an `https:` URL or a `data:` URI; `sizes` like `"48x48"` or `"any"`;
 * `theme` the background it is drawn for.
 */
export interface Icon {
  src: string;
  mimeType?: string;
  sizes?: string[];
  theme?: 'light' | 'dark';
}

/**
 * Only `https:` and `data:` sources. The spec's security notes tell clients to reject
 * any other scheme (`javascript:`, `file:`, `ftp:`, `ws:`, app schemes) and to accept
 * only HTTPS and data URIs: an icon a client must refuse is a bug found here, at load,
 * rather than a broken or dangerous picture in somebody's client. Plain `http:` is out
 * too: a client that fetched it would leak its user's requests in clear text.
 */
const iconSource = z
  .string()
  .max(100_000, 'is too long (keep data: icons small, or link an https: one)')
  .refine((src) => /^https:\/\/[^\s/]+/i.test(src) || /^data:[^,\s]*,/i.test(src), {
    message: 'must be an https: URL or a data: URI (the MCP spec tells clients to refuse any other scheme)',
  });

export const ICON_SCHEMA = z
  .object({
    src: iconSource,
    mimeType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as image/png')
      .optional(),
    sizes: z.array(z.string().regex(/^(?:any|\d+x\d+)$/, 'must be WxH (such as 48x48) or any')).optional(),
    theme: z.enum(['light', 'dark']).optional(),
  })
  .strict();

export const ICONS_SCHEMA = z.array(ICON_SCHEMA).max(16);

/** The icons, checked; a TypeError naming `owner` and what is wrong otherwise. */
export function checkIcons(owner: string, icons: unknown): Icon[] {
  const parsed = ICONS_SCHEMA.safeParse(icons);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
  throw new TypeError(`${owner}: icons${where}: ${issue.message}`);
}
