import { type DynamicTool, defineTool, defineToolSource, z } from '@toolhost/core';

/** SEP-2243 fixture: `region` is mirrored into the `Mcp-Param-Region` header, which must agree with it. */
export const testParamHeader = defineTool({
  name: 'test_param_header',
  description: 'Echoes the region it was routed for (conformance fixture for x-mcp-header).',
  input: z.object({
    region: z.string().meta({ 'x-mcp-header': 'Region' }).describe('Where to route the call'),
  }),
  handler: ({ region }) => `routed to ${region}`,
});

/**
 * The JSON Schema 2020-12 fixture (SEP-1613, SEP-2106): `$schema`, `$defs` with an
 * `$anchor`, composition and conditional keywords, kept byte for byte. A dynamic tool,
 * since its schema is JSON Schema as given, not zod's rendering of one.
 */
const JSON_SCHEMA_2020_12_TOOL: DynamicTool = Object.freeze({
  name: 'json_schema_2020_12_tool',
  description: 'Tool with JSON Schema 2020-12 features (conformance fixture).',
  inputSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    $defs: {
      address: {
        $anchor: 'addressDef',
        type: 'object',
        properties: { street: { type: 'string' }, city: { type: 'string' } },
      },
    },
    properties: {
      name: { type: 'string' },
      address: { $ref: '#/$defs/address' },
      contactMethod: { type: 'string', enum: ['phone', 'email'] },
      phone: { type: 'string' },
      email: { type: 'string' },
    },
    allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
    if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
    // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword, not a thenable.
    then: { required: ['phone'] },
    else: { required: ['email'] },
    additionalProperties: false,
  },
  handler: (args: Record<string, unknown>) => `ok: ${JSON.stringify(args)}`,
});

export const schemaFixtures = defineToolSource({
  tools: () => [JSON_SCHEMA_2020_12_TOOL],
});
