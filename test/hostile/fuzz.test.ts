/**
 * Property-based fuzz of the JSON-RPC entry (`POST /mcp`) with fast-check, in both
 * eras, over real HTTP. Messages start from valid requests (initialize, tools/list,
 * tools/call, ping, server/discover, the 2026-07-28 envelope) and are mutated — fields
 * replaced, removed or added, types changed, wrapped in batches, headers dropped or
 * contradicted, the text truncated — or are random JSON altogether. Properties: never
 * a 5xx other than 503, never a stack trace, repository path or token in a body, and
 * the server answers a ping afterwards.
 *
 * Bounded: FUZZ_RUNS runs per era (default 200). A failure prints fast-check's seed and
 * path; replay it with FUZZ_SEED=<seed> (and FUZZ_PATH=<path>) npx vitest run test/hostile/fuzz.test.ts.
 */
import { newToken } from '@toolhost/core/ports';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Era, FIXTURES, type RunningToolhost, startToolhost } from '../src/helpers';
import { type HubEmulator, startHubEmulator } from '../src/hub-emulator';
import {
  ENVELOPE,
  expectAnswersPing,
  expectNothingLeaked,
  JSON_HEADERS,
  LEGACY,
  MODERN,
  send,
} from './support';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
// Chosen here rather than by fast-check, so that every failure — an error thrown while
// generating a case too, which fast-check reports without it — names the seed that replays it.
const SEED =
  process.env['FUZZ_SEED'] === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env['FUZZ_SEED']);
const PATH = process.env['FUZZ_PATH'];

let hub: HubEmulator;
let toolhost: RunningToolhost;
let token = '';

beforeAll(async () => {
  hub = await startHubEmulator();
  toolhost = await startToolhost({
    manifest: {
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-models' },
        { use: './plugins/testkit.mjs' },
      ],
    },
    baseDir: FIXTURES,
    env: { HF_ENDPOINT: hub.url },
  });
  const created = newToken('fuzzer', 'free');
  await toolhost.app.kernel.tokens.insert(created.hash, created.record);
  token = created.token;
});
afterAll(async () => {
  await toolhost?.close();
  await hub?.close();
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Seed {
  method: string;
  params: Record<string, Json>;
}

/** Valid requests of one era: what the mutations start from. */
function seeds(era: Era): Seed[] {
  const calls: Seed[] = [
    { method: 'tools/list', params: {} },
    { method: 'tools/call', params: { name: 'echo', arguments: { text: 'hello' } } },
    { method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 2 } } },
    { method: 'tools/call', params: { name: 'model_search', arguments: { query: 'whisper', limit: 2 } } },
    { method: 'tools/call', params: { name: 'hf_whoami', arguments: {} } },
  ];
  if (era === 'modern') return [...calls, { method: 'server/discover', params: {} }];
  return [
    ...calls,
    { method: 'ping', params: {} },
    {
      method: 'initialize',
      params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'fuzz', version: '1.0.0' } },
    },
  ];
}

/** Every path to a value inside `value` (the root is `[]`). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => paths(item, [...prefix, i]))];
  if (value !== null && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return here;
}

function setAt(root: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    // An array takes no named key (an own `constructor` would break array methods on it later).
    if (typeof head !== 'number') return root;
    const copy = [...root];
    if (replacement === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number] ?? null, rest, replacement);
    return copy;
  }
  if (root !== null && typeof root === 'object') {
    const copy = { ...root };
    const key = String(head);
    if (replacement === undefined && rest.length === 0) delete copy[key];
    else {
      // defineProperty, so `__proto__` becomes a key that is sent, not the copy's prototype.
      const value = setAt(Object.hasOwn(copy, key) ? (copy[key] ?? null) : null, rest, replacement);
      Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return root;
}

/** One structural mutation of a JSON value. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    pick: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        '__proto__',
        'constructor',
        'id',
        'method',
        'params',
        '_meta',
        'arguments',
        'name',
        'cursor',
      ),
    ),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({ kind: fc.constant('batch' as const), copies: fc.integer({ min: 0, max: 4 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(body: Json, mutations: Mutation[]): Json {
  let out = body;
  for (const m of mutations) {
    if (m.kind === 'batch') {
      out = Array.from({ length: m.copies }, () => out);
      continue;
    }
    const all = paths(out);
    const path = all[m.pick % all.length]!;
    if (m.kind === 'replace') out = setAt(out, path, m.value as Json);
    else if (m.kind === 'delete') out = path.length === 0 ? out : setAt(out, path, undefined);
    else {
      // Add a key to the object at (or above) the picked path.
      const target = path.filter((_, i) => i < path.length);
      const holder = target.reduce<Json>(
        (value, key) => (value as Record<string | number, Json>)?.[key] ?? null,
        out,
      );
      const where = holder !== null && typeof holder === 'object' && !Array.isArray(holder) ? target : [];
      out = setAt(out, [...where, m.key], m.value as Json);
    }
  }
  return out;
}

/** What may happen to the headers of an otherwise valid request. */
const headerMutation = fc.record({
  dropVersion: fc.boolean(),
  version: fc.option(fc.constantFrom(MODERN, LEGACY, '2024-11-05', '2099-01-01', 'banana', ''), {
    nil: undefined,
  }),
  method: fc.option(
    fc.oneof(fc.constantFrom('tools/list', 'tools/call', 'ping', ''), fc.string({ maxLength: 20 })),
    {
      nil: undefined,
    },
  ),
  name: fc.option(fc.oneof(fc.constantFrom('echo', 'add', ''), fc.string({ maxLength: 20 })), {
    nil: undefined,
  }),
  accept: fc.option(fc.constantFrom('application/json', 'text/event-stream', '*/*', 'text/html', ''), {
    nil: undefined,
  }),
  contentType: fc.option(
    fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/jsonx', ''),
    {
      nil: undefined,
    },
  ),
  authorization: fc.option(
    fc.constantFrom(
      'token',
      'Bearer th_forged_forged_forged_forged_forged_',
      'Bearer hf_nope',
      'Basic eDp5',
      'Bearer ',
    ),
    { nil: undefined },
  ),
});

/** How the mutated value becomes bytes: as JSON, truncated, or with a character spliced in. */
const encoding = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'json' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('splice' as const),
      at: fc.nat(),
      text: fc.string({ maxLength: 3 }),
    }),
  },
);

interface Case {
  headers: Record<string, string>;
  body: string;
}

function fuzzCase(era: Era): fc.Arbitrary<Case> {
  const mutated = fc
    .record({
      seed: fc.constantFrom(...seeds(era)),
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
      mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
      headers: headerMutation,
      encoding,
    })
    .map(({ seed, id, mutations, headers: h, encoding: e }): Case => {
      const params =
        era === 'modern' ? { ...seed.params, _meta: ENVELOPE as unknown as Json } : (seed.params as Json);
      const body = mutate({ jsonrpc: '2.0', id, method: seed.method, params }, mutations);
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (era === 'modern') {
        headers['mcp-protocol-version'] = MODERN;
        headers['mcp-method'] = seed.method;
        if (typeof seed.params['name'] === 'string') headers['mcp-name'] = seed.params['name'];
      }
      if (h.dropVersion) delete headers['mcp-protocol-version'];
      if (h.version !== undefined) headers['mcp-protocol-version'] = h.version;
      if (h.method !== undefined) headers['mcp-method'] = h.method;
      if (h.name !== undefined) headers['mcp-name'] = h.name;
      if (h.accept !== undefined) headers['accept'] = h.accept;
      if (h.contentType !== undefined) headers['content-type'] = h.contentType;
      if (h.authorization !== undefined)
        headers['authorization'] = h.authorization === 'token' ? `Bearer ${token}` : h.authorization;
      // Header values must be valid HTTP: strip what node:http would refuse to send.
      for (const [key, value] of Object.entries(headers)) headers[key] = value.replace(/[^\t\x20-\x7e]/g, '');
      let text = JSON.stringify(body);
      if (e.kind === 'truncate') text = text.slice(0, e.at % (text.length + 1));
      if (e.kind === 'splice') {
        const at = e.at % (text.length + 1);
        text = `${text.slice(0, at)}${e.text}${text.slice(at)}`;
      }
      return { headers, body: text };
    });
  const random = fc
    .jsonValue({ maxDepth: 4 })
    .map((value): Case => ({ headers: { ...JSON_HEADERS }, body: JSON.stringify(value) ?? 'null' }));
  return fc.oneof({ weight: 5, arbitrary: mutated }, { weight: 1, arbitrary: random });
}

describe.each<Era>(['legacy', 'modern'])('fuzz: the JSON-RPC entry, %s era', (era) => {
  it(`${RUNS} random and mutated messages: no 5xx but 503, nothing leaked, still serving`, async () => {
    const replay = `replay with FUZZ_SEED=${SEED}${PATH === undefined ? '' : ` FUZZ_PATH=${PATH}`}`;
    await fc
      .assert(
        fc.asyncProperty(fuzzCase(era), async ({ headers, body }) => {
          const response = await send(toolhost.baseUrl, { path: '/mcp', headers, body });
          const status = response.status;
          expect(status >= 500 && status !== 503, `HTTP ${status}: ${response.body.slice(0, 300)}`).toBe(
            false,
          );
          expectNothingLeaked(response.body, [token]);
          await expectAnswersPing(toolhost.baseUrl, era);
        }),
        {
          numRuns: RUNS,
          seed: SEED,
          ...(PATH !== undefined && { path: PATH }),
          // The report fast-check throws carries the seed and path that replay the failure.
          verbose: 1,
        },
      )
      .catch((error: Error) => {
        error.message = `${error.message}\n(${replay})`;
        throw error;
      });
  }, 120_000);
});
