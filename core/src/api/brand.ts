/**
 * Brands mark objects made by the public API's define* functions. They are global
 * symbols (`Symbol.for`) so that a plugin built against one copy of @toolhost/core
 * is still recognised by the kernel from another copy of the same major version.
 */
export const PLUGIN_BRAND = Symbol.for('toolhost.plugin');
export const TOOL_BRAND = Symbol.for('toolhost.tool');
export const RESOURCE_BRAND = Symbol.for('toolhost.resource');
export const PROMPT_BRAND = Symbol.for('toolhost.prompt');
export const SERVICE_REF_BRAND = Symbol.for('toolhost.service-ref');
export const TOOL_RESULT_BRAND = Symbol.for('toolhost.tool-result');
export const TOOL_SOURCE_BRAND = Symbol.for('toolhost.tool-source');
export const IDENTITY_PROVIDER_BRAND = Symbol.for('toolhost.identity-provider');
export const MIDDLEWARE_BRAND = Symbol.for('toolhost.middleware');

export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
