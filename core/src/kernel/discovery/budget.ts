import type { Principal } from '../../api/principal';

/**
 * `access.toolBudget`: the tokens a caller's `tools/list` may cost a model's context.
 * One number for every caller, or one per plan, where `default` covers plans not listed
 * (anonymous callers are on the plan `anonymous`). No budget: the whole selection is listed.
 */
export type ToolBudgetConfig = number | Readonly<Record<string, number>>;

/** The budget that applies to `principal`, if any. */
export function budgetFor(config: ToolBudgetConfig | undefined, principal: Principal): number | undefined {
  if (config === undefined || typeof config === 'number') return config;
  return config[principal.plan] ?? config['default'];
}

/** `?discovery=`: `search` always lists by discovery, `full` never; absent: when over budget or `?max_tools`. */
export type DiscoveryMode = 'auto' | 'search' | 'full';

/** What a request asks of the listing: its discovery mode and `?max_tools=N`. */
export interface ListingRequest {
  readonly mode: DiscoveryMode;
  readonly maxTools?: number;
}

/** search_tools and call_tool take two of `?max_tools` places. */
export const MIN_MAX_TOOLS = 2;

const AUTO: ListingRequest = Object.freeze({ mode: 'auto' });

/** `?max_tools=` and `?discovery=` read from a request's query; a bad value says what is expected. */
export function listingRequest(
  query: Readonly<Record<string, string>> | undefined,
): { ok: true; request: ListingRequest } | { ok: false; message: string } {
  const maxText = query?.['max_tools'];
  const modeText = query?.['discovery'];
  if (maxText === undefined && modeText === undefined) return { ok: true, request: AUTO };
  if (modeText !== undefined && modeText !== 'search' && modeText !== 'full')
    return { ok: false, message: `?discovery= takes search or full, not '${modeText.slice(0, 40)}'.` };
  let maxTools: number | undefined;
  if (maxText !== undefined) {
    maxTools = /^\d{1,6}$/.test(maxText) ? Number(maxText) : Number.NaN;
    if (!(maxTools >= MIN_MAX_TOOLS))
      return {
        ok: false,
        message: `?max_tools= takes a whole number of at least ${MIN_MAX_TOOLS} (search_tools and call_tool are listed then), not '${maxText.slice(0, 40)}'.`,
      };
  }
  return {
    ok: true,
    request: {
      mode: (modeText as DiscoveryMode | undefined) ?? 'auto',
      ...(maxTools !== undefined && { maxTools }),
    },
  };
}
