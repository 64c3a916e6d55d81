import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log line: credentials must never
 * reach logs, whatever a plugin or error object happens to carry.
 */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'headers["x-hf-authorization"]',
  'req.headers["x-hf-authorization"]',
  'token',
  'accessToken',
  'hfToken',
  'adminToken',
  'credentials',
  'password',
  'secret',
  '*.authorization',
  '*.token',
  '*.accessToken',
  '*.hfToken',
  '*.adminToken',
  '*.credentials',
  '*.password',
  '*.secret',
];

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
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
