import { createServiceRef } from '@toolhost/core';

/** Which Space (and tool) generates images: this plugin's config, offered to its tool. */
export interface ImageSpace {
  readonly space: string;
  readonly tool?: string;
}

export const imageSpace = createServiceRef<ImageSpace>('imageGen.space');
