import { destination } from 'pino';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/app-config';
import { routeTemplate } from './route-template';

/** Log destination (tests capture lines; production writes to stdout). */
export interface LogSink {
  write(line: string): unknown;
}

/**
 * Paths pino blanks out wherever they appear in a logged object. We never log headers or bodies, but an
 * error object or a future log call might carry them: a bearer token must never reach the log.
 */
export const REDACTED_PATHS = [
  'authorization',
  'token',
  'scimToken',
  'password',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'err.config.headers.authorization',
  '*.authorization',
  '*.token',
  '*.password',
];

/** Fastify's built-in pino, as JSON lines: {"level":"info","time":"…","requestId":"…","msg":"…"}. */
export function loggerOptions(level: LogLevel, sink?: LogSink): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    base: null,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    stream: sink ?? stdoutSink(),
  };
}

/**
 * stdout without a blocking write per line (pino's default destination writes each line synchronously: a
 * write(2) per request on the event loop). Asynchronous, with no minimum length: a line is written at once when
 * no write is in flight, and lines logged meanwhile go out together in the next write, so nothing waits for a
 * buffer to fill. pino flushes what is pending synchronously when the process exits; only a SIGKILL can lose the
 * lines of the write in flight.
 */
function stdoutSink(): LogSink {
  return destination({ dest: 1, sync: false, minLength: 0 });
}

/**
 * Fastify's per-request log lines, replaced by exactly one line per request:
 * {level, time, requestId, msg:"request", method, route, status, durationMs}.
 * The route is the template (`/scim/v2/Users/:id`), never the raw URL, which may carry filter values (PII).
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  /** Fastify logs "Route GET:/raw/url not found"; the request line already says route "unmatched", 404. */
  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      route: routeTemplate(request),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) request.log.warn({ ...line, err: error }, 'request');
    else request.log.info(line, 'request');
  }
}
