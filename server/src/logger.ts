import pino, { type DestinationStream, type Logger } from 'pino';

/** Field names that hold secrets, wherever Toolhost's own log lines might carry them. */
const SECRET_FIELDS = [
  'authorization',
  'token',
  'accessToken',
  'hfToken',
  'adminToken',
  'credentials',
  'password',
  'secret',
  'cookie',
];

/**
 * Paths pino blanks out in Toolhost's own log lines. Explicit paths only: pino's
 * wildcard redaction costs about 4x per line, too much for one line per request,
 * and the kernel never puts secrets anywhere else.
 */
export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...['headers', 'req.headers', 'request.headers'].flatMap((parent) => [
    `${parent}.authorization`,
    `${parent}.cookie`,
    `${parent}["x-hf-authorization"]`,
  ]),
];

/**
 * Paths blanked out in lines written by plugin code, which may log any object:
 * the explicit paths plus every secret field one level down.
 */
export const PLUGIN_REDACT_PATHS = [...REDACT_PATHS, ...SECRET_FIELDS.map((field) => `*.${field}`)];

const CENSOR = '[redacted]';

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default, stderr in stdio mode (stdout carries the protocol). */
  destination?: DestinationStream | 1 | 2;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination =
    typeof options.destination === 'object'
      ? options.destination
      : pino.destination({ dest: options.destination ?? 1, sync: false, minLength: 4096 });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'toolhost' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** The parent logger for plugin code: same output, thorough redaction. */
export function pluginLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: PLUGIN_REDACT_PATHS, censor: CENSOR } });
}
