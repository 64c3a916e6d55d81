/**
 * Hostile input on the settings API (`PUT /api/settings`, the admin API, the settings
 * page's preview `POST /api/settings/catalog`), over real HTTP: bodies that are not a
 * settings object, forged tokens and admin secrets. A refused write — and any preview,
 * accepted or not — must leave the user's settings (and so their tools) as they were.
 */
import { newToken } from '@toolhost/core/ports';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, type RunningToolhost, startToolhost } from '../src/helpers';
import { closedPort } from '../src/hub-plugins';
import { deepJson, expectAnswersPing, expectNothingLeaked, type RawResponse, send } from './support';

const ADMIN = 'admin-secret-for-hostile-tests-0123';
let toolhost: RunningToolhost;
let token = '';
const SETTINGS = { plugins: ['testkit'], disabledTools: ['echo'], spaces: [] };

beforeAll(async () => {
  toolhost = await startToolhost({
    manifest: {
      plugins: [
        { use: '@toolhost/plugin-hub' },
        { use: '@toolhost/plugin-gradio' },
        { use: './plugins/testkit.mjs' },
      ],
      auth: { hf: false },
    },
    baseDir: FIXTURES,
    // Nothing here needs the Hub: a port that refuses at once keeps the hub plugin off the network.
    env: { TOOLHOST_ADMIN_TOKEN: ADMIN, HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
  });
  const created = newToken('alice', 'free');
  await toolhost.app.kernel.tokens.insert(created.hash, created.record);
  token = created.token;
});
// Each row starts from alice's known settings, so one row that writes cannot fail the next.
beforeEach(async () => {
  const put = await putSettings(JSON.stringify(SETTINGS));
  expect(put.status, put.body).toBe(200);
});
afterAll(() => toolhost?.close());

const putSettings = (body: string, headers: Record<string, string> = {}, path = '/api/settings') =>
  send(toolhost.baseUrl, {
    method: 'PUT',
    path,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });

const preview = (body: string, headers: Record<string, string> = {}) =>
  send(toolhost.baseUrl, {
    method: 'POST',
    path: '/api/settings/catalog',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });

interface Row {
  name: string;
  item?: number;
  request: () => Promise<RawResponse>;
  status: number;
  message?: RegExp;
}

const ROWS: Row[] = [
  ...['null', '[]', '"x"', '1', 'true'].map(
    (body): Row => ({
      name: `PUT /api/settings with body ${body}`,
      // null was stored as empty settings (the user lost every tool); the others already hold.
      ...(body === 'null' && { item: 6 }),
      request: () => putSettings(body),
      status: 400,
    }),
  ),
  { name: 'PUT /api/settings with malformed JSON', request: () => putSettings('{"plugins": ['), status: 400 },
  {
    name: 'PUT /api/settings naming a plugin that is not loaded',
    request: () => putSettings('{"plugins":["testkit","../../etc"]}'),
    status: 400,
    message: /no plugin '\.\.\/\.\.\/etc'/,
  },
  {
    name: 'PUT /api/settings with plugins of the wrong type',
    request: () => putSettings('{"plugins":"testkit"}'),
    status: 400,
  },
  {
    name: 'PUT /api/settings with __proto__',
    request: () => putSettings('{"__proto__":{"plugins":[]},"plugins":"x"}'),
    status: 400,
  },
  {
    name: 'PUT /api/settings nested 10k deep',
    request: () => putSettings(`{"plugins":["testkit"],"extra":${deepJson(10_000)}}`),
    status: 400,
  },
  {
    name: 'PUT /api/settings with a 2 MiB body',
    request: () => putSettings(JSON.stringify({ plugins: ['testkit'], pad: 'x'.repeat(2 * 1024 * 1024) })),
    status: 413,
  },
  {
    name: 'PUT /api/settings as text/plain',
    request: () => putSettings(JSON.stringify(SETTINGS), { 'content-type': 'text/plain' }),
    status: 400,
  },
  {
    name: 'PUT /api/settings with a forged token',
    request: () =>
      putSettings('{"plugins":[]}', { authorization: 'Bearer th_forgedforgedforgedforgedforgedforge' }),
    status: 401,
  },
  {
    name: 'PUT /api/settings without a token',
    request: () => putSettings('{"plugins":[]}', { authorization: '' }),
    status: 401,
  },
  {
    name: "PUT another user's settings with a user token as the admin secret",
    request: () => putSettings('{"plugins":[]}', {}, '/api/users/user:alice/settings'),
    status: 401,
  },
  {
    name: 'PUT /api/users/:id/settings with a forged admin secret',
    request: () =>
      putSettings(
        '{"plugins":[]}',
        { authorization: `Bearer ${ADMIN.slice(0, -1)}x` },
        '/api/users/user:alice/settings',
      ),
    status: 401,
  },
  {
    name: 'PUT /api/users/:id/settings with body null',
    item: 6,
    request: () =>
      putSettings('null', { authorization: `Bearer ${ADMIN}` }, '/api/users/user:alice/settings'),
    status: 400,
  },
  ...['null', '[]', '"x"', '1'].map(
    (body): Row => ({
      name: `POST /api/settings/catalog with body ${body}`,
      request: () => preview(body),
      status: 400,
    }),
  ),
  {
    name: 'POST /api/settings/catalog naming a plugin that is not loaded',
    request: () => preview('{"plugins":["../../etc"]}'),
    status: 400,
    message: /no plugin '\.\.\/\.\.\/etc'/,
  },
  {
    name: 'POST /api/settings/catalog with __proto__',
    request: () => preview('{"__proto__":{"plugins":[]},"plugins":"x"}'),
    status: 400,
  },
  {
    name: 'POST /api/settings/catalog nested 10k deep',
    request: () => preview(`{"plugins":["testkit"],"extra":${deepJson(10_000)}}`),
    status: 400,
  },
  {
    name: 'POST /api/settings/catalog with Space ids that are paths and URLs',
    request: () => preview('{"spaces":["../../admin","http://169.254.169.254/x"]}'),
    status: 400,
    message: /spaces\.0: must look like "owner\/name"/,
  },
  {
    name: 'POST /api/settings/catalog (a valid preview) stores nothing',
    request: () => preview('{"plugins":[],"disabledTools":[]}'),
    status: 200,
  },
  {
    name: 'POST /api/settings/catalog with a forged token',
    request: () => preview('{}', { authorization: 'Bearer th_forgedforgedforgedforgedforgedforge' }),
    status: 401,
  },
];

describe('settings API: hostile input', () => {
  it.each(
    ROWS.map((row) => ({ ...row, label: row.item ? `${row.name} (issue 11 item ${row.item})` : row.name })),
  )('$label', async (row) => {
    const response = await row.request();
    expect(response.status, `${response.status} ${response.body.slice(0, 300)}`).toBe(row.status);
    if (row.message) expect((JSON.parse(response.body) as { message: string }).message).toMatch(row.message);
    expectNothingLeaked(response.body, [token, ADMIN]);
    // Nothing was written: alice keeps her settings.
    const got = await send(toolhost.baseUrl, {
      method: 'GET',
      path: '/api/settings',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(JSON.parse(got.body).settings).toEqual(SETTINGS);
    await expectAnswersPing(toolhost.baseUrl);
  });
});
