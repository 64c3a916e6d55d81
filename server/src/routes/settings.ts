import type { Principal } from '@toolhost/core';
import { SettingsError, type ToolhostKernel } from '@toolhost/core/kernel';
import { StoreUnavailableError } from '@toolhost/core/ports';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAdmin } from '../admin-token';
import { resolveCaller } from '../caller';
import type { Manifest } from '../manifest';
import { sendAuthFailure } from './auth';

/** What a body that is not a JSON object is, for the error message. */
function describeBody(body: unknown): string | undefined {
  if (body === undefined) return 'no body';
  if (body === null) return 'null';
  if (Array.isArray(body)) return 'an array';
  if (typeof body !== 'object') return `a ${typeof body}`;
  return undefined;
}

/** A SettingsError as its HTTP answer; anything else is rethrown. */
function sendSettingsError(reply: FastifyReply, error: unknown) {
  if (!(error instanceof SettingsError)) throw error;
  reply
    .code(error.status)
    .send({ error: error.status === 409 ? 'Conflict' : 'Bad Request', message: error.message });
}

async function save(kernel: ToolhostKernel, reply: FastifyReply, userId: string, body: unknown) {
  // Only an object is settings: `null` once stored empty settings and the user lost every tool.
  const notAnObject = describeBody(body);
  if (notAnObject) {
    reply.code(400).send({
      error: 'Bad Request',
      message: `The body must be a JSON object such as {"plugins": ["hub"], "disabledTools": []}; got ${notAnObject}. Settings are unchanged.`,
    });
    return undefined;
  }
  try {
    return await kernel.settings.put(userId, body);
  } catch (error) {
    sendSettingsError(reply, error);
    return undefined;
  }
}

/**
 * The caller's quota for the settings page. Reading it must not cost them their
 * settings: while the quota store fails, the answer says so instead of failing.
 */
async function quotaOf(kernel: ToolhostKernel, principal: Principal) {
  try {
    return { quota: (await kernel.quota(principal)) ?? null };
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    return { quota: null, quotaUnavailable: `${error.message}; try again` };
  }
}

/**
 * What the caller's selected tools cost a model's context window: per tool and in total,
 * in tokens (each tool's whole `tools/list` entry, counted with a real tokenizer), and
 * their tool budget (null without one).
 */
async function tokensOf(
  kernel: ToolhostKernel,
  caller: { principal: Principal; credentials: Parameters<ToolhostKernel['settings']['catalog']>[1] },
  settings: Parameters<ToolhostKernel['settings']['catalog']>[2],
) {
  const catalog = await kernel.settings.catalog(caller.principal, caller.credentials, settings);
  const tools = catalog.plugins
    .flatMap((plugin) => plugin.tools)
    .filter((tool) => tool.selected && !tool.unavailable);
  return {
    total: catalog.selectedTokens,
    tools: Object.fromEntries(tools.map((tool) => [tool.name, tool.tokens])),
    budget: catalog.toolBudget,
  };
}

/** Why settings cannot be changed here, for the settings page; undefined when they can. */
function readOnlyReason(manifest: Manifest, writable: boolean): string | undefined {
  if (writable) return undefined;
  return manifest.stores.settings === 'hf'
    ? 'Your settings come from your Hugging Face account: change them at https://huggingface.co/settings/mcp, and this server follows.'
    : 'Settings are managed outside this server (a read-only settings source); change them there.';
}

/**
 * The settings API. `GET/PUT /api/settings`: the caller's own settings (a token is
 * required). `GET/PUT /api/users/:id/settings`: any user's, for operators holding
 * the admin token (TOOLHOST_ADMIN_TOKEN).
 */
export async function settingsRoutes(
  app: FastifyInstance,
  {
    kernel,
    manifest,
    adminToken,
  }: { kernel: ToolhostKernel; manifest: Manifest; adminToken: string | undefined },
) {
  const { publicUrl } = manifest.server;

  /** The authenticated caller, or a 401 already sent. */
  const user = async (request: FastifyRequest, reply: FastifyReply) => {
    const resolution = await resolveCaller(kernel, request);
    if (!resolution.ok) return void sendAuthFailure(reply, request, resolution, publicUrl);
    const { principal, credentials } = resolution.caller;
    if (principal.kind === 'anonymous') {
      return void sendAuthFailure(
        reply,
        request,
        {
          ok: false,
          status: 401,
          error: 'missing_token',
          message: 'Settings belong to a user: send `Authorization: Bearer <token>`.',
        },
        publicUrl,
      );
    }
    return { principal, credentials };
  };

  app.get('/api/settings', async (request, reply) => {
    const caller = await user(request, reply);
    if (!caller) return reply;
    const settings = await kernel.settings.get(caller.principal.id, caller.credentials);
    const note = readOnlyReason(manifest, kernel.settings.writable);
    return {
      user: { id: caller.principal.id, name: caller.principal.name, plan: caller.principal.plan },
      settings: settings ?? null,
      writable: kernel.settings.writable,
      ...(note && { readOnlyReason: note }),
      effective: kernel.settings.effective(caller.principal, settings),
      tokens: await tokensOf(kernel, caller, settings),
      ...(await quotaOf(kernel, caller.principal)),
    };
  });

  /**
   * What the caller may choose from, grouped by plugin with titles and descriptions,
   * and what their saved settings (GET) or the settings in the body (POST, a preview:
   * validated as PUT validates, not saved) select. Per-caller tools are discovered
   * here: a Space in the body is looked up and its tools listed, or why it cannot be used.
   */
  app.get('/api/settings/catalog', async (request, reply) => {
    const caller = await user(request, reply);
    if (!caller) return reply;
    const settings = await kernel.settings.get(caller.principal.id, caller.credentials);
    return kernel.settings.catalog(caller.principal, caller.credentials, settings);
  });

  app.post('/api/settings/catalog', async (request, reply) => {
    const caller = await user(request, reply);
    if (!caller) return reply;
    const notAnObject = describeBody(request.body);
    if (notAnObject) {
      return reply.code(400).send({
        error: 'Bad Request',
        message: `The body must be the settings to preview, a JSON object such as {"plugins": ["hub"]}; got ${notAnObject}.`,
      });
    }
    let settings: ReturnType<typeof kernel.settings.validate>;
    try {
      settings = kernel.settings.validate(request.body);
    } catch (error) {
      sendSettingsError(reply, error);
      return reply;
    }
    return kernel.settings.catalog(caller.principal, caller.credentials, settings);
  });

  app.put('/api/settings', async (request, reply) => {
    const caller = await user(request, reply);
    if (!caller) return reply;
    const settings = await save(kernel, reply, caller.principal.id, request.body);
    if (!settings) return reply;
    return { settings, effective: kernel.settings.effective(caller.principal, settings) };
  });

  const admin = (request: FastifyRequest, reply: FastifyReply) => {
    if (isAdmin(request, adminToken)) return true;
    const message = adminToken
      ? 'This needs the admin token (TOOLHOST_ADMIN_TOKEN) as `Authorization: Bearer <token>`.'
      : 'The admin API is off: set TOOLHOST_ADMIN_TOKEN to enable it.';
    reply.code(adminToken ? 401 : 403).send({ error: adminToken ? 'Unauthorized' : 'Forbidden', message });
    return false;
  };

  app.get<{ Params: { id: string } }>('/api/users/:id/settings', async (request, reply) => {
    if (!admin(request, reply)) return reply;
    return {
      user: { id: request.params.id },
      settings: (await kernel.settings.get(request.params.id)) ?? null,
    };
  });

  app.put<{ Params: { id: string } }>('/api/users/:id/settings', async (request, reply) => {
    if (!admin(request, reply)) return reply;
    const settings = await save(kernel, reply, request.params.id, request.body);
    if (!settings) return reply;
    return { user: { id: request.params.id }, settings };
  });
}
