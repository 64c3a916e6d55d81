import { createServiceRef, defineTool, type ListName, z } from '@toolhost/core';

/** The plugin's `listsChanged` (from its setup context), for the trigger tools. */
export const listChanges =
  createServiceRef<(...lists: ListName[]) => Promise<void>>('conformance.list-changes');

/**
 * The suites' hooks for list-changed notifications (`server-stateless` opens a
 * `subscriptions/listen` stream, then calls these): the lists do not really change,
 * the announcement is what is tested.
 */
function trigger(list: ListName) {
  return defineTool({
    name: `test_trigger_${list.replace(/s$/, '')}_change`,
    description: `Announces that the server's ${list} changed (conformance fixture).`,
    input: z.object({}),
    services: { listChanges },
    async handler(_input, ctx) {
      await ctx.services.listChanges(list);
      return `${list} list change announced`;
    },
  });
}

export const testTriggerToolChange = trigger('tools');
export const testTriggerPromptChange = trigger('prompts');
