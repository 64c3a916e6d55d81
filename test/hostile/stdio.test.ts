/**
 * Hostile input over stdio: the built `toolhost serve --stdio`, one process per era,
 * fed raw lines. After each row a fence request (2025: `ping`; 2026-07-28, which has
 * no ping: `server/discover`) must be answered — the server kept serving — and the
 * lines that came before the fence's answer are the row's answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type Era, FIXTURES, REPO_ROOT } from '../src/helpers';
import { type HubEmulator, startHubEmulator } from '../src/hub-emulator';
import { deepJson, ENVELOPE, expectNothingLeaked, LEGACY, MODERN } from './support';

/** A token the Hub emulator knows (bob): stdio acts with it, and it must never be echoed. */
const HF_TOKEN = 'hf_bob_test_token_00000000000000';
const dir = mkdtempSync(join(tmpdir(), 'toolhost-hostile-stdio-'));
const manifest = join(dir, 'toolhost.config.yaml');
writeFileSync(
  manifest,
  `stores:
  default: memory
plugins:
  - use: "@toolhost/plugin-hub"
  - use: "${join(FIXTURES, 'plugins/testkit.mjs')}"
`,
);

let hub: HubEmulator;
beforeAll(async () => {
  hub = await startHubEmulator();
});
afterAll(() => hub?.close());

interface Message {
  id?: unknown;
  result?: { isError?: boolean; content?: { text: string }[] };
  error?: { code: number; message: string };
}

/** One `toolhost serve --stdio` process, read line by line; waiters are woken by each new line. */
class StdioPeer {
  readonly lines: string[] = [];
  stderr = '';
  private readonly waiters = new Set<() => void>();
  private exited = false;

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const wake of this.waiters) wake();
    });
    child.stderr!.on('data', (chunk) => {
      this.stderr += chunk;
    });
    child.once('exit', () => {
      this.exited = true;
      for (const wake of this.waiters) wake();
    });
  }

  static start(hubUrl: string): StdioPeer {
    return new StdioPeer(
      spawn(process.execPath, [CLI, 'serve', '--stdio', '--config', manifest], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', HF_TOKEN, HF_ENDPOINT: hubUrl },
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
  }

  write(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** The first line from `from` on whose message has this id; fails if the process exits first. */
  answerTo(id: unknown, from = 0): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines
          .slice(from)
          .map(parse)
          .find((message) => message?.id === id);
        if (found) {
          this.waiters.delete(check);
          resolve(found);
        } else if (this.exited) {
          this.waiters.delete(check);
          reject(
            new Error(`toolhost --stdio exited before answering ${JSON.stringify(id)}:\n${this.stderr}`),
          );
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }
}

function parse(line: string): Message | undefined {
  try {
    return JSON.parse(line) as Message;
  } catch {
    return undefined;
  }
}

const request = (era: Era, id: unknown, method: string, params: Record<string, unknown> = {}) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method,
    params: era === 'modern' ? { ...params, _meta: ENVELOPE } : params,
  });
/** A request that must be answered whatever came before: the server is still serving. */
const fence = (era: Era, id: string) => request(era, id, era === 'legacy' ? 'ping' : 'server/discover');

interface Row {
  name: string;
  item?: number;
  line: (era: Era) => string;
  /** The row's own id, when its answer may come after the fence (tool calls run asynchronously). */
  id?: string;
  /** Checks the messages that answered the row. */
  expect: (answers: Message[]) => void;
}

const brief = (value: unknown) => JSON.stringify(value).slice(0, 300);
/** A line that is not a request the server can answer: it may be dropped or answered with an error, never more. */
const droppedOrError = (codes: number[]) => (answers: Message[]) => {
  for (const answer of answers) {
    expect(answer.error?.code, brief(answer)).toBeOneOf(codes);
    expect(answer.id ?? null).toBeNull();
  }
};
const oneError = (code: number, message?: RegExp) => (answers: Message[]) => {
  expect(answers, brief(answers)).toHaveLength(1);
  expect(answers[0]!.error?.code, brief(answers[0])).toBe(code);
  if (message) expect(answers[0]!.error!.message).toMatch(message);
};
const toolError = (pattern: RegExp) => (answers: Message[]) => {
  expect(answers).toHaveLength(1);
  expect(answers[0]!.result?.isError, brief(answers[0])).toBe(true);
  expect(answers[0]!.result!.content![0]!.text).toMatch(pattern);
};

const ROWS: Row[] = [
  { name: 'malformed JSON', line: () => '{ not json', expect: oneError(-32700) },
  {
    name: 'truncated JSON',
    line: () => '{"jsonrpc":"2.0","id":"t","method":"pi',
    expect: oneError(-32700),
  },
  { name: 'a JSON number', line: () => '42', expect: oneError(-32600) },
  { name: 'a NUL byte', line: () => '\u0000', expect: oneError(-32700) },
  {
    name: 'an object id',
    line: () => '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}',
    expect: droppedOrError([-32700, -32600]),
  },
  {
    name: 'a batch',
    line: (era) => `[${request(era, 'b1', 'tools/list')},${request(era, 'b2', 'tools/list')}]`,
    expect: oneError(-32600, /batches are not supported/),
  },
  {
    name: 'a response nobody asked for',
    line: () => '{"jsonrpc":"2.0","id":"never-sent","result":{}}',
    expect: (answers) => expect(answers).toEqual([]),
  },
  {
    name: 'an unknown method',
    line: (era) => request(era, 'unknown', 'admin/shutdown'),
    expect: oneError(-32601),
  },
  {
    name: 'an unknown tool',
    id: 'tool-unknown',
    line: (era) => request(era, 'tool-unknown', 'tools/call', { name: '../../etc/passwd', arguments: {} }),
    expect: oneError(-32602, /not found/),
  },
  {
    name: 'tools/call with arguments of the wrong type',
    id: 'tool-types',
    line: (era) => request(era, 'tool-types', 'tools/call', { name: 'echo', arguments: { text: 7 } }),
    expect: toolError(/^Input validation error: Invalid arguments for tool echo: text: /),
  },
  {
    name: 'a 5 MiB line',
    id: 'tool-big',
    line: (era) =>
      request(era, 'tool-big', 'tools/call', {
        name: 'echo',
        arguments: { text: 'x'.repeat(5 * 1024 * 1024) },
      }),
    expect: toolError(/^Input validation error: Invalid arguments for tool echo: text: /),
  },
  {
    name: 'JSON nested 10k deep in params._meta',
    item: 3,
    line: () =>
      `{"jsonrpc":"2.0","id":"deep-meta","method":"tools/list","params":{"_meta":${deepJson(10_000)}}}`,
    expect: oneError(-32700, /64/),
  },
  {
    name: 'JSON nested 10k deep in id',
    item: 3,
    line: () => `{"jsonrpc":"2.0","id":${deepJson(10_000)},"method":"tools/list"}`,
    expect: oneError(-32700, /64/),
  },
];

describe.each<Era>(['legacy', 'modern'])('stdio, %s era: hostile input', (era) => {
  let peer: StdioPeer;
  let fences = 0;
  beforeAll(async () => {
    peer = StdioPeer.start(hub.url);
    if (era === 'legacy') {
      peer.write(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 'init',
          method: 'initialize',
          params: {
            protocolVersion: LEGACY,
            capabilities: {},
            clientInfo: { name: 'hostile', version: '1' },
          },
        }),
      );
      expect((await peer.answerTo('init')).result).toMatchObject({ protocolVersion: LEGACY });
      peer.write('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    } else {
      peer.write(fence(era, 'discover'));
      const discovered = await peer.answerTo('discover');
      expect(JSON.stringify(discovered.result)).toContain(MODERN);
    }
  });
  afterAll(async () => {
    await peer?.close();
    // The token HF_TOKEN carried never reaches a log line.
    expect(peer.stderr).not.toContain(HF_TOKEN);
  });

  it.each(
    ROWS.map((row) => ({ ...row, label: row.item ? `${row.name} (issue 11 item ${row.item})` : row.name })),
  )('$label', async (row) => {
    const from = peer.lines.length;
    const fenceId = `fence-${++fences}`;
    peer.write(row.line(era));
    peer.write(fence(era, fenceId));
    const alive = await peer.answerTo(fenceId, from);
    expect(alive.error, JSON.stringify(alive)).toBeUndefined();
    expect(alive.result).toBeDefined();
    if (row.id) await peer.answerTo(row.id, from);
    const answers = peer.lines.slice(from).map((line) => {
      expectNothingLeaked(line, [HF_TOKEN]);
      return parse(line) ?? { error: { code: Number.NaN, message: `not JSON: ${line.slice(0, 200)}` } };
    });
    row.expect(answers.filter((answer) => answer.id !== fenceId));
  });
});
