import { createHash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../../api/principal';
import type { CompiledTool } from '../catalog';
import type { CallInfo } from '../gate';
import { loadTokenCounter, type TokenCounter, toolTokens } from '../token-cost';
import { type DiscoveryView, ToolSet, type ToolSetCache } from '../toolset';
import { budgetFor, type ListingRequest, type ToolBudgetConfig } from './budget';
import { CALL_TOOL_DESCRIPTOR } from './call-tool';
import { SEARCH_TOOLS_DESCRIPTOR, searchTools } from './search-tools';
import { ToolUsage } from './usage';

/** Listed first in discovery mode, whatever else fits. */
const DISCOVERY_TOOLS = [SEARCH_TOOLS_DESCRIPTOR, CALL_TOOL_DESCRIPTOR] as const;

/** Tokens of `{"tools":[` and `]}` around the entries. */
const LIST_OVERHEAD = 4;

/**
 * The "most used" order is a snapshot taken when a listing is built, renewed this often:
 * a client that lists twice in a row sees the same tools, and steady callers share one listing.
 */
const USAGE_SNAPSHOT_MS = 10 * 60_000;

/** Tools a caller's searches joined to their listing, most recent first; older ones drop out. */
const MAX_JOINED = 20;

const TOKENS_MEMO = 'discovery:list-tokens';

export interface ToolDiscoveryOptions {
  readonly budget?: ToolBudgetConfig;
  /** The kernel's one ToolSet cache: discovery listings are kept there too. */
  readonly toolSets: ToolSetCache;
  /** Can the principal be told now that its tool list changed (an open session or listen stream)? */
  readonly canAnnounce: (principalId: string) => boolean;
  /** Tell the principal's open sessions and listen streams that its tool list changed. */
  readonly announce: (principalId: string) => void;
}

/** Who a listing is for. */
export interface ListingCaller {
  readonly principal: Principal;
  /** Searched tools join per account (anonymous callers: per address). */
  readonly account: string;
}

/**
 * Tool budgets and discovery. A caller whose selection costs more tokens than their
 * budget (or has more tools than `?max_tools`) is listed search_tools, call_tool and
 * the most used of their tools that fit; every selected tool stays callable. The
 * selection's cost is counted once per ToolSet, each tool's once per definition, and
 * each distinct listing is built once and kept in the ToolSet cache, so a request costs
 * a key and a lookup once the tokenizer has loaded. Without a budget or a request for
 * discovery nothing here runs.
 */
export class ToolDiscovery {
  readonly usage = new ToolUsage();
  private readonly joined = new LRUCache<string, readonly string[]>({ max: 10_000 });

  constructor(private readonly options: ToolDiscoveryOptions) {}

  /**
   * The ToolSet to serve `caller`: `selection` itself when it is listed whole, else its
   * discovery listing. Synchronous (no promise, no tick) when no budget or request applies.
   */
  serve(selection: ToolSet, caller: ListingCaller, request: ListingRequest): ToolSet | Promise<ToolSet> {
    if (request.mode === 'full') return selection;
    const budget = budgetFor(this.options.budget, caller.principal);
    if (request.mode === 'auto' && budget === undefined && request.maxTools === undefined) return selection;
    return this.limited(selection, caller, request, budget);
  }

  private async limited(
    selection: ToolSet,
    caller: ListingCaller,
    request: ListingRequest,
    budget: number | undefined,
  ): Promise<ToolSet> {
    const { maxTools } = request;
    if (request.mode === 'auto') {
      const fitsCount = maxTools === undefined || selection.tools.size <= maxTools;
      if (fitsCount && (budget === undefined || (await this.listCost(selection)) <= budget)) return selection;
    }
    const joined = this.joinedOf(caller.account, selection);
    const snapshot = Math.floor(Date.now() / USAGE_SNAPSHOT_MS);
    const key = `discovery|${selection.key}|${budget ?? '-'}|${maxTools ?? '-'}|${snapshot}|${joined.join(',')}`;
    const counter = budget === undefined ? undefined : await loadTokenCounter();
    return this.options.toolSets.getOrBuild(key, () => {
      const listed = this.choose(selection, { budget, maxTools, joined, counter });
      const view: DiscoveryView = {
        base: selection,
        listed,
        search: (args, info) => this.search(selection, args, info),
      };
      const id = createHash('sha256').update(key).digest('base64url').slice(0, 22);
      return new ToolSet(
        id,
        [...selection.tools.values()],
        selection.resources,
        [...selection.prompts.values()],
        view,
      );
    });
  }

  /** What listing the whole selection costs, in tokens: counted once per ToolSet. */
  private async listCost(selection: ToolSet): Promise<number> {
    const known = selection.memo.get(TOKENS_MEMO) as number | undefined;
    if (known !== undefined) return known;
    const counter = await loadTokenCounter();
    let total = LIST_OVERHEAD;
    // Each entry and the comma after it.
    for (const tool of selection.tools.values()) total += toolTokens(counter, tool.descriptor) + 1;
    selection.memo.set(TOKENS_MEMO, total);
    return total;
  }

  /**
   * The discovery tools, then the caller's joined tools and the most used (ties in
   * catalog order) while they fit the budget and `maxTools`. Without either limit
   * (`?discovery=search` alone) only joined tools are added.
   */
  private choose(
    selection: ToolSet,
    limits: { budget?: number; maxTools?: number; joined: readonly string[]; counter?: TokenCounter },
  ): CompiledTool['descriptor'][] {
    const { budget, maxTools, joined, counter } = limits;
    const cost = (listing: CompiledTool['descriptor']) => (counter ? toolTokens(counter, listing) + 1 : 0);
    const slots = maxTools === undefined ? Number.POSITIVE_INFINITY : maxTools - DISCOVERY_TOOLS.length;
    const candidates = this.ranked(selection, joined, budget === undefined && maxTools === undefined);
    let spent = LIST_OVERHEAD + DISCOVERY_TOOLS.reduce((sum, listing) => sum + cost(listing), 0);
    const chosen: CompiledTool['descriptor'][] = [];
    for (const tool of candidates) {
      if (chosen.length >= slots) break;
      const price = cost(tool.descriptor);
      if (budget !== undefined && spent + price > budget) continue; // a smaller one may still fit
      chosen.push(tool.descriptor);
      spent += price;
    }
    const listed = () => [...DISCOVERY_TOOLS, ...chosen];
    // The entries' sum is close; the list as sent is what the budget promises.
    if (counter && budget !== undefined) {
      while (chosen.length > 0 && counter.count(JSON.stringify({ tools: listed() })) > budget) chosen.pop();
    }
    return listed();
  }

  /** Joined tools first (most recent first), then by calls in this process, most first; ties keep catalog order. */
  private ranked(selection: ToolSet, joined: readonly string[], joinedOnly: boolean): CompiledTool[] {
    const first = joined.map((name) => selection.tools.get(name)!);
    if (joinedOnly) return first;
    const pinned = new Set(joined);
    const rest = [...selection.tools.values()].filter((tool) => !pinned.has(tool.name));
    const calls = new Map(rest.map((tool) => [tool.name, this.usage.count(tool.name)]));
    rest.sort((a, b) => calls.get(b.name)! - calls.get(a.name)!);
    return [...first, ...rest];
  }

  /** The account's joined tools that are still in its selection. */
  private joinedOf(account: string, selection: ToolSet): readonly string[] {
    const joined = this.joined.get(account);
    return joined ? joined.filter((name) => selection.tools.has(name)) : [];
  }

  /**
   * search_tools. When the caller can be told of a change (a session or a listen stream),
   * what it found joins their listing and they get `notifications/tools/list_changed`.
   */
  private async search(selection: ToolSet, args: unknown, info: CallInfo): Promise<CallToolResult> {
    const answer = searchTools(selection, args);
    if (!answer.ok || answer.found.length === 0) return answer.result;
    const { principal } = info;
    if (!this.options.canAnnounce(principal.id)) return answer.result;
    const account = info.account ?? principal.id;
    const before = this.joined.get(account) ?? [];
    const found = answer.found.map((tool) => tool.name);
    const after = [...found, ...before.filter((name) => !found.includes(name))].slice(0, MAX_JOINED);
    this.joined.set(account, after);
    if (found.some((name) => !before.includes(name))) this.options.announce(principal.id);
    return answer.result;
  }
}
