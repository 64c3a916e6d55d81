/**
 * The in-memory resumability store keeps every SSE event a 2025 session sends (each
 * in-session answer is one): it must stay at its bound however many requests a
 * session serves, or one long session grows the server's memory per request.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { InMemorySessionEventStores } from '../src/kernel/internal';

const answer = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: { content: [] } });

async function replayAfter(store: ReturnType<InMemorySessionEventStores['forSession']>, eventId: string) {
  const sent: string[] = [];
  const streamId = await store.replayEventsAfter(eventId, {
    send: async (id) => {
      sent.push(id);
    },
  });
  return { streamId, sent };
}

describe('in-memory session event stores', () => {
  it('keep only the newest events of a session past their bound', async () => {
    const stores = new InMemorySessionEventStores(3);
    const store = stores.forSession('s1');
    const ids: string[] = [];
    // One stream per request, as the SDK opens for each POST answered with SSE.
    for (let request = 0; request < 50; request++)
      ids.push(await store.storeEvent(`post-${request}`, answer(request)));

    // Trimmed: an id from before the bound is unknown, so a replay from it says so.
    await expect(replayAfter(store, ids[46]!)).rejects.toThrow(/Unknown event id/);
    // Kept: the last three, each still resolvable to its stream.
    for (const id of ids.slice(47)) expect(await store.getStreamIdForEventId!(id)).toMatch(/^post-4[789]$/);
    expect(await replayAfter(store, ids[47]!)).toEqual({ streamId: 'post-47', sent: [] });
  });

  it('replay after a kept event sends the later events of its stream only', async () => {
    const store = new InMemorySessionEventStores(4).forSession('s1');
    const first = await store.storeEvent('get', answer(1));
    await store.storeEvent('post-1', answer(2));
    const second = await store.storeEvent('get', answer(3));
    expect(await replayAfter(store, first)).toEqual({ streamId: 'get', sent: [second] });
  });

  it('forget a dropped session, so closed sessions hold nothing', async () => {
    const stores = new InMemorySessionEventStores(3);
    await stores.forSession('s1').storeEvent('get', answer(1));
    await stores.forSession('s2').storeEvent('get', answer(1));
    stores.dropSession('s1');
    expect(stores.sessionCount).toBe(1);
  });
});
