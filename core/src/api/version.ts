/** The kernel API version plugins declare compatibility with (`kernel: "^0.1.0"`). Kept in step with package.json. */
export const KERNEL_VERSION = '0.1.0';
