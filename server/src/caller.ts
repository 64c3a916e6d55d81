import { ANONYMOUS, type Credentials } from '@toolhost/core';
import type { Kernel, McpCaller } from '@toolhost/core/kernel';
import type { FastifyRequest } from 'fastify';

const NO_CREDENTIALS: Credentials = Object.freeze({});

/** The bearer token of an `Authorization` header, if it has one. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/**
 * Who is calling and what they may use. Today every caller is anonymous and sees
 * every loaded plugin; a bearer token is forwarded to the Hub as the caller's own
 * Hugging Face token.
 */
export function resolveCaller(kernel: Kernel, request: FastifyRequest): McpCaller {
  const token = bearerToken(request.headers.authorization);
  return {
    principal: ANONYMOUS,
    credentials: token ? { hfToken: token } : NO_CREDENTIALS,
    toolSet: kernel.toolSets.all(),
    logger: request.log,
    requestId: request.id,
  };
}
