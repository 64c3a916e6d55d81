import { createServiceRef } from '@toolhost/core';
import { budgetService } from './budget';
import type { HubClient } from './client';

/** The Hub client, provided by the `hub` plugin to every plugin that requires it. */
export const hubService = createServiceRef<HubClient>('hub');

/** The size budget of the hub plugin's own tools. */
export const hubBudget = budgetService('hub');
