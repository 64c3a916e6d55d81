import { SettingsError, type ToolhostKernel } from '@toolhost/core/kernel';
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
    if (error instanceof SettingsError) {
      reply
        .code(error.status)
        .send({ error: error.status === 409 ? 'Conflict' : 'Bad Request', message: error.message });
      return undefined;
    }
    throw error;
  }
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
    return {
      user: { id: caller.principal.id, name: caller.principal.name, plan: caller.principal.plan },
      settings: settings ?? null,
      writable: kernel.settings.writable,
      effective: kernel.settings.effective(caller.principal, settings),
    };
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
