import { type Logger, type LoggerOptions, pino } from 'pino';
import { serializeRequest } from './request-serializer.ts';

export type { Logger };

/**
 * Paths redacted from every log line: credentials must never reach the log,
 * whatever a caller put in a header or body.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["dpop"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.client_secret',
  '*.clientSecret',
  '*.access_token',
  '*.refresh_token',
  '*.subject_token',
  '*.actor_token',
  '*.apiKey',
  '*.privateJwk',
  '*.secret',
  '*.token',
];

export interface LoggerSettings {
  level?: LoggerOptions['level'];
  /** Where lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/** A structured JSON logger with Parley's redaction rules. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Fastify keeps a logger's own serializers over its defaults, so its request lines go through this one.
    serializers: { req: serializeRequest },
    base: { service: 'parley' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A logger that drops everything; for tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
