import { createServiceRef } from '@toolhost/core';
import type { HubClient } from './client';

/** The Hub client, provided by the `hub` plugin to every plugin that requires it. */
export const hubService = createServiceRef<HubClient>('hub');
