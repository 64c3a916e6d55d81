import { createServiceRef } from '@toolhost/core';
import type { SpaceProxy } from './spaces';

/** The Space proxy, provided by the `gradio` plugin (image-gen calls its Space through it). */
export const gradioService = createServiceRef<SpaceProxy>('gradio');
