import { describe, expect, it } from 'vitest';
import { InMemoryEventBus, type KernelEvent } from '../src/kernel/internal';

describe('in-memory event bus', () => {
  it('delivers to every subscriber until it unsubscribes, even when one throws', () => {
    const errors: unknown[] = [];
    const bus = new InMemoryEventBus((error) => errors.push(error));
    const seen: KernelEvent[] = [];
    bus.subscribe(() => {
      throw new Error('bad listener');
    });
    const stop = bus.subscribe((event) => seen.push(event));
    const event: KernelEvent = { type: 'list-changed', lists: ['tools'], principalId: 'local:alice' };
    bus.publish(event);
    stop();
    bus.publish(event);
    expect(seen).toEqual([event]);
    expect(errors).toHaveLength(2);
    expect(bus.listenerCount).toBe(1);
  });
});
