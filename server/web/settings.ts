/**
 * The `/settings` page: a user signs in with their own token (kept in this tab's
 * session storage only, sent as a bearer header), sees what their policy allows
 * grouped by plugin, switches plugins and tools on and off, adds and removes Spaces
 * (each checked through the server's discovery before it is added), saves through
 * `PUT /api/settings`, sees their quota, and copies a client configuration.
 */
import './console.css';
import type { CatalogPlugin, CatalogTool, QuotaState, SettingsCatalog } from '@toolhost/core/kernel';
import { type ClientConfig, clientConfigs } from './client-config';
import { byId, el, errorOf, setStatus } from './common';

const TOKEN_KEY = 'toolhost-token';
/** The settings field the Space proxy adds: the page offers Spaces when the server has it. */
const SPACES_FIELD = 'spaces';

interface SettingsAnswer {
  user: { id: string; name?: string; plan: string };
  settings: Record<string, unknown> | null;
  writable: boolean;
  readOnlyReason?: string;
  quota: QuotaState | null;
  /** Set when the quota could not be read just now (its store failing). */
  quotaUnavailable?: string;
}

/** The selection being edited: what Save sends. */
interface Draft {
  plugins: Set<string>;
  disabledTools: Set<string>;
  spaces: string[];
  /** Fields of the saved settings this page does not edit, sent back unchanged. */
  other: Record<string, unknown>;
}

const mcpUrl = document.body.dataset['mcpUrl'] ?? new URL('/mcp', location.origin).href;
let token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
let account: SettingsAnswer | undefined;
let catalog: SettingsCatalog | undefined;
let draft: Draft | undefined;
let dirty = false;

function layout(): void {
  document.body.replaceChildren(
    el(
      'header',
      {},
      el('h1', {}, 'Toolhost — your tools'),
      el(
        'p',
        { class: 'muted' },
        'Choose the tools your MCP clients get from this server, and copy a configuration for your client.',
      ),
    ),
    el(
      'main',
      {},
      el(
        'section',
        { id: 'signin', 'aria-labelledby': 'signin-title' },
        el('h2', { id: 'signin-title' }, 'Sign in'),
        el(
          'form',
          { id: 'signin-form', class: 'row' },
          el(
            'div',
            { class: 'field' },
            el('label', { for: 'token' }, 'Your token (a Toolhost API token or a Hugging Face token)'),
            el('input', {
              id: 'token',
              type: 'password',
              autocomplete: 'off',
              spellcheck: 'false',
              required: true,
              'aria-describedby': 'token-note',
            }),
          ),
          el('button', { type: 'submit', id: 'signin-button' }, 'Sign in'),
          el('button', { type: 'button', id: 'signout', class: 'secondary', hidden: true }, 'Sign out'),
        ),
        el(
          'p',
          { id: 'token-note', class: 'muted' },
          'The token stays in this browser tab (session storage) and is sent only to this server.',
        ),
        el('p', { id: 'signin-status', class: 'status', role: 'status', 'aria-live': 'polite' }),
      ),
      el('section', { id: 'account', 'aria-labelledby': 'account-title', hidden: true }),
      el('section', { id: 'selection', 'aria-labelledby': 'selection-title', hidden: true }),
      el('section', { id: 'spaces', 'aria-labelledby': 'spaces-title', hidden: true }),
      el('section', { id: 'save', hidden: true }),
      el('section', { id: 'clients', 'aria-labelledby': 'clients-title' }),
    ),
  );
  byId('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = byId<HTMLInputElement>('token').value.trim();
    if (!value) return;
    token = value;
    sessionStorage.setItem(TOKEN_KEY, value);
    void load();
  });
  byId('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    token = undefined;
    account = catalog = draft = undefined;
    byId<HTMLInputElement>('token').value = '';
    for (const id of ['account', 'selection', 'spaces', 'save']) byId(id).hidden = true;
    byId('signout').hidden = true;
    setStatus(byId('signin-status'), 'Signed out.');
    renderClients();
  });
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path, {
    ...init,
    cache: 'no-store',
    headers: {
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      authorization: `Bearer ${token ?? ''}`,
    },
  });
}

async function load(): Promise<void> {
  const status = byId('signin-status');
  setStatus(status, 'Signing in…');
  const answer = await api('/api/settings');
  if (!answer.ok) {
    setStatus(status, `Could not sign in: ${await errorOf(answer)}`, 'error');
    return;
  }
  account = (await answer.json()) as SettingsAnswer;
  const listed = await api('/api/settings/catalog');
  if (!listed.ok) {
    setStatus(status, `Could not load your tools: ${await errorOf(listed)}`, 'error');
    return;
  }
  catalog = (await listed.json()) as SettingsCatalog;
  draft = draftOf(account.settings, catalog);
  dirty = false;
  setStatus(status, `Signed in as ${account.user.name ?? account.user.id}.`, 'ok');
  byId('signout').hidden = false;
  renderAccount();
  renderSelection();
  renderSpaces();
  renderSave();
  renderClients();
  document.body.dataset['loaded'] = 'true';
}

/** The draft from saved settings, or (never saved) from what the user gets by default. */
function draftOf(saved: Record<string, unknown> | null, from: SettingsCatalog): Draft {
  const { plugins, disabledTools, spaces, ...other } = saved ?? {};
  return {
    plugins: new Set(
      Array.isArray(plugins)
        ? (plugins as string[])
        : from.plugins.filter((p) => p.selected).map((p) => p.id),
    ),
    disabledTools: new Set(Array.isArray(disabledTools) ? (disabledTools as string[]) : []),
    spaces: Array.isArray(spaces) ? [...(spaces as string[])] : [],
    other,
  };
}

const readOnly = () => account?.writable === false;
const hasSpaces = () => catalog?.fields.some((field) => field.name === SPACES_FIELD) ?? false;

function renderAccount(): void {
  if (!account) return;
  const { user, quota } = account;
  const host = byId('account');
  host.hidden = false;
  host.replaceChildren(
    el('h2', { id: 'account-title' }, 'Account and quota'),
    el(
      'div',
      { class: 'card-list', id: 'quota' },
      el('div', { class: 'card' }, el('b', {}, user.name ?? user.id), 'signed in'),
      el('div', { class: 'card' }, el('b', {}, quota?.plan ?? user.plan), 'plan'),
      ...(quota
        ? [
            el(
              'div',
              { class: 'card' },
              el('b', {}, `${quota.used} / ${quota.units}`),
              `units used per ${quota.per}`,
            ),
            el('div', { class: 'card' }, el('b', {}, String(quota.remaining)), 'remaining'),
            el(
              'div',
              { class: 'card' },
              el('b', {}, new Date(quota.resetAt).toLocaleTimeString()),
              `resets (${new Date(quota.resetAt).toLocaleDateString()})`,
            ),
          ]
        : [
            el(
              'div',
              { class: 'card' },
              el('b', {}, account.quotaUnavailable ? 'unknown now' : 'no limit'),
              account.quotaUnavailable ?? 'quota',
            ),
          ]),
    ),
    ...(readOnly()
      ? [
          el(
            'p',
            { class: 'panel', id: 'read-only', role: 'note' },
            el('strong', {}, 'Read-only here. '),
            account.readOnlyReason ?? 'Settings are managed outside this server.',
          ),
        ]
      : []),
  );
}

function toolLabel(tool: CatalogTool): (Node | string)[] {
  return [
    ...(tool.title ? [el('span', {}, tool.title), ' '] : []),
    el('code', {}, tool.name),
    ' ',
    el(
      'span',
      { class: 'tokens', title: "What listing this tool costs a model's context window" },
      `${tool.tokens.toLocaleString('en-US')} tokens`,
    ),
  ];
}

function pluginPanel(plugin: CatalogPlugin): HTMLElement {
  const state = draft!;
  const enabled = state.plugins.has(plugin.id);
  const staticTools = plugin.tools.filter((tool) => !tool.dynamic);
  const pluginBox = el('input', {
    type: 'checkbox',
    id: `plugin-${plugin.id}`,
    checked: enabled,
    disabled: readOnly(),
    'data-plugin': plugin.id,
  });
  pluginBox.addEventListener('change', () => {
    if (pluginBox.checked) state.plugins.add(plugin.id);
    else state.plugins.delete(plugin.id);
    changed();
    renderSelection();
    byId(`plugin-${plugin.id}`).focus();
  });
  const tools = el(
    'ul',
    { class: 'tools', 'aria-label': `Tools of ${plugin.title ?? plugin.id}` },
    ...staticTools.map((tool) => {
      const box = el('input', {
        type: 'checkbox',
        id: `tool-${tool.name}`,
        checked: enabled && !state.disabledTools.has(tool.name),
        disabled: !enabled || readOnly(),
        'data-tool': tool.name,
      });
      box.addEventListener('change', () => {
        if (box.checked) state.disabledTools.delete(tool.name);
        else state.disabledTools.add(tool.name);
        changed();
      });
      return el(
        'li',
        {},
        box,
        el('label', { for: `tool-${tool.name}` }, ...toolLabel(tool)),
        el('p', { class: 'description' }, tool.description),
      );
    }),
  );
  return el(
    'fieldset',
    { class: 'panel plugin', id: `panel-${plugin.id}` },
    el(
      'legend',
      {},
      pluginBox,
      el('label', { for: `plugin-${plugin.id}` }, plugin.title ?? plugin.id),
      ' ',
      el('code', { class: 'muted' }, plugin.id),
    ),
    plugin.description ? el('p', { class: 'muted' }, plugin.description) : null,
    staticTools.length > 0 ? tools : null,
  );
}

function renderSelection(): void {
  if (!catalog || !draft) return;
  const host = byId('selection');
  host.hidden = false;
  // Plugins with only per-caller tools (Spaces) are chosen in their own section.
  const plugins = catalog.plugins.filter(
    (plugin) => !plugin.perCaller || plugin.tools.some((t) => !t.dynamic),
  );
  host.replaceChildren(
    el('h2', { id: 'selection-title' }, 'Plugins and tools'),
    el(
      'p',
      { class: 'muted' },
      'Everything your access allows. Switch a plugin off to drop all its tools, or single tools within it.',
    ),
    el(
      'p',
      { id: 'selection-tokens' },
      `Listing the selected tools costs a model about ${catalog.selectedTokens.toLocaleString('en-US')} tokens of its context window (as last saved or previewed).`,
      // Over the budget, clients are listed search_tools, call_tool and what fits.
      catalog.toolBudget !== null &&
        catalog.selectedTokens > catalog.toolBudget &&
        ` That is over your budget of ${catalog.toolBudget.toLocaleString('en-US')} tokens, so clients are listed search_tools, call_tool and the most used tools that fit; every selected tool stays callable.`,
    ),
    ...plugins.map(pluginPanel),
  );
}

/** The per-caller tools a Space gives, from the latest catalog. */
function spaceTools(id: string): CatalogTool[] {
  return (catalog?.plugins ?? []).flatMap((plugin) => plugin.tools.filter((tool) => tool.origin === id));
}

function renderSpaces(): void {
  const host = byId('spaces');
  if (!catalog || !draft || !hasSpaces()) {
    host.hidden = true;
    return;
  }
  host.hidden = false;
  const list = el(
    'ul',
    { id: 'space-list', class: 'spaces' },
    ...draft.spaces.map((id) => {
      const tools = spaceTools(id);
      const unavailable = tools.find((tool) => tool.unavailable)?.unavailable;
      const remove = el(
        'button',
        { type: 'button', class: 'secondary', disabled: readOnly(), 'aria-label': `Remove ${id}` },
        'Remove',
      );
      remove.addEventListener('click', () => {
        draft!.spaces = draft!.spaces.filter((space) => space !== id);
        changed();
        renderSpaces();
        byId('space-id').focus();
      });
      return el(
        'li',
        { class: 'panel', 'data-space': id },
        el('h3', {}, id, ' ', remove),
        unavailable
          ? el('p', { class: 'status error' }, `Cannot be used now: ${unavailable}`)
          : el(
              'ul',
              { 'aria-label': `Tools of ${id}` },
              ...tools.map((tool) =>
                el('li', {}, ...toolLabel(tool), el('p', { class: 'description' }, tool.description)),
              ),
            ),
      );
    }),
  );
  const form = el(
    'form',
    { id: 'space-form', class: 'row' },
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'space-id' }, 'Space id (owner/name)'),
      el('input', {
        id: 'space-id',
        type: 'text',
        placeholder: 'owner/name',
        autocomplete: 'off',
        spellcheck: 'false',
        disabled: readOnly(),
      }),
    ),
    el('button', { type: 'submit', id: 'space-add', disabled: readOnly() }, 'Add Space'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void addSpace(byId<HTMLInputElement>('space-id').value.trim());
  });
  host.replaceChildren(
    el('h2', { id: 'spaces-title' }, 'Spaces'),
    el(
      'p',
      { class: 'muted' },
      'Gradio Spaces whose tools you get as well. A Space is checked when you add it: you see its tools, or why it cannot be used.',
    ),
    draft.spaces.length > 0 ? list : el('p', { class: 'empty' }, 'No Spaces yet.'),
    form,
    el('p', { id: 'space-status', class: 'status', role: 'status', 'aria-live': 'polite' }),
  );
}

/** Settings as Save sends them (and the preview checks them). */
function body(from: Draft): Record<string, unknown> {
  return {
    ...from.other,
    plugins: [...from.plugins],
    disabledTools: [...from.disabledTools],
    ...(hasSpaces() && { [SPACES_FIELD]: from.spaces }),
  };
}

async function addSpace(id: string): Promise<void> {
  if (!draft || !id) return;
  const status = byId('space-status');
  if (draft.spaces.includes(id)) {
    setStatus(status, `${id} is already in your list.`, 'error');
    return;
  }
  setStatus(status, `Checking ${id}…`);
  const proposed = { ...draft, spaces: [...draft.spaces, id] };
  const answer = await api('/api/settings/catalog', { method: 'POST', body: JSON.stringify(body(proposed)) });
  if (!answer.ok) {
    setStatus(byId('space-status'), `${id} cannot be added: ${await errorOf(answer)}`, 'error');
    return;
  }
  const preview = (await answer.json()) as SettingsCatalog;
  const tools = preview.plugins.flatMap((plugin) => plugin.tools.filter((tool) => tool.origin === id));
  const unavailable = tools.find((tool) => tool.unavailable)?.unavailable;
  if (unavailable || tools.length === 0) {
    setStatus(
      byId('space-status'),
      `${id} cannot be used: ${unavailable ?? 'it offers no tools (or more Spaces than this server allows per caller).'}`,
      'error',
    );
    return;
  }
  catalog = preview;
  draft.spaces.push(id);
  changed();
  renderSpaces();
  setStatus(
    byId('space-status'),
    `Added ${id}: ${tools.length} tool${tools.length === 1 ? '' : 's'}. Save to keep it.`,
    'ok',
  );
  byId('space-id').focus();
}

function changed(): void {
  dirty = true;
  const status = document.getElementById('save-status');
  if (status) setStatus(status, 'You have unsaved changes.');
}

function renderSave(): void {
  const host = byId('save');
  host.hidden = false;
  const button = el(
    'button',
    { type: 'button', id: 'save-button', disabled: readOnly() },
    'Save my selection',
  );
  button.addEventListener('click', () => void save());
  host.replaceChildren(
    el('div', { class: 'row' }, button),
    el('p', { id: 'save-status', class: 'status', role: 'status', 'aria-live': 'polite' }),
  );
}

async function save(): Promise<void> {
  if (!draft) return;
  const status = byId('save-status');
  setStatus(status, 'Saving…');
  const answer = await api('/api/settings', { method: 'PUT', body: JSON.stringify(body(draft)) });
  if (!answer.ok) {
    setStatus(status, `Not saved: ${await errorOf(answer)}`, 'error');
    return;
  }
  const saved = (await answer.json()) as { effective: { tools: string[] } };
  dirty = false;
  setStatus(
    status,
    `Saved: your clients get ${saved.effective.tools.length} tools (plus your Spaces' tools) from their next tools/list.`,
    'ok',
  );
  document.body.dataset['saved'] = String(Number(document.body.dataset['saved'] ?? '0') + 1);
}

function configBlock(config: ClientConfig): HTMLElement {
  const copy = el(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': `Copy the ${config.title} configuration` },
    'Copy',
  );
  const pre = el('pre', { id: `config-${config.id}`, tabindex: '0' }, config.text);
  copy.addEventListener('click', () => {
    void navigator.clipboard.writeText(config.text).then(
      () => setStatus(byId('clients-status'), `Copied the ${config.title} configuration.`, 'ok'),
      () => {
        // Clipboard refused (insecure origin, permissions): select the text for a manual copy.
        const range = document.createRange();
        range.selectNodeContents(pre);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
        setStatus(
          byId('clients-status'),
          'Copy was refused by the browser: the text is selected, press Ctrl+C.',
        );
      },
    );
  });
  return el(
    'div',
    { class: 'panel', 'data-client': config.id },
    el('h3', {}, config.title, ' ', copy),
    el('p', { class: 'muted' }, config.where),
    pre,
  );
}

function renderClients(): void {
  const host = byId('clients');
  const includeToken = el('input', {
    type: 'checkbox',
    id: 'include-token',
    checked: true,
    disabled: !token,
  });
  const blocks = el('div', { id: 'client-configs' });
  const fill = () =>
    blocks.replaceChildren(
      ...clientConfigs(mcpUrl, token && includeToken.checked ? token : undefined).map(configBlock),
    );
  includeToken.addEventListener('change', fill);
  host.replaceChildren(
    el('h2', { id: 'clients-title' }, 'Connect a client'),
    el('p', {}, 'This server’s MCP endpoint: ', el('code', { id: 'mcp-url' }, mcpUrl)),
    el(
      'div',
      {},
      includeToken,
      ' ',
      el('label', { for: 'include-token' }, 'Put my token in the configurations'),
    ),
    blocks,
    el('p', { id: 'clients-status', class: 'status', role: 'status', 'aria-live': 'polite' }),
  );
  fill();
}

window.addEventListener('beforeunload', (event) => {
  if (dirty) event.preventDefault();
});

layout();
renderClients();
if (token) void load();
else document.body.dataset['loaded'] = 'signed-out';
