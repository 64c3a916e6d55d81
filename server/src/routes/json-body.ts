import { exceedsJsonDepth, jsonDepthError } from '@toolhost/core/kernel';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * A JSON body that nests deeper than the configured limit: it is never parsed (what
 * walks a parsed value recursively would overflow the stack), and the route answers
 * 400 with a JSON-RPC parse error naming the limit.
 */
export class TooDeepBody {
  constructor(readonly maxDepth: number) {}
}

/** Check a raw body's nesting depth before anything parses it. */
export function tooDeep(text: string, maxDepth: number): TooDeepBody | undefined {
  return exceedsJsonDepth(text, maxDepth) ? new TooDeepBody(maxDepth) : undefined;
}

export function sendTooDeep(reply: FastifyReply, body: TooDeepBody) {
  reply.request.log.info(
    { status: 400, maxJsonDepth: body.maxDepth },
    'request body nests too deep: refused',
  );
  return reply.code(400).send(jsonDepthError(body.maxDepth));
}

/**
 * fastify's own JSON parser (errors, prototype-poisoning checks and all), with the
 * depth checked on the raw text first. For routes that keep fastify's JSON handling.
 */
export function depthCheckedJsonParser(app: FastifyInstance, maxDepth: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const deep = tooDeep(body as string, maxDepth);
    if (deep) return done(null, deep);
    parseJson(request, body as string, done);
  });
}
