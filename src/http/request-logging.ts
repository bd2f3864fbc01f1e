import { destination } from 'pino';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { LOG_LEVELS, type LogLevel } from '../config/settings';
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
export function loggerOptions(level: LogLevel, sink: LogSink): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    base: null,
    timestamp: () => `,"time":"${isoTime()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    stream: sink,
  };
}

/** Whether a logger configured at `configured` writes lines of `level` (LOG_LEVELS is ordered fatal → trace). */
export function logsAt(configured: LogLevel, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(configured) >= LOG_LEVELS.indexOf(level);
}

let lastTimeMs = NaN;
let lastTimeIso = '';

/**
 * The current time in ISO 8601, formatted once per millisecond: at thousands of requests per second most
 * log lines share their millisecond with the one before.
 */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastTimeMs) {
    lastTimeMs = now;
    lastTimeIso = new Date(now).toISOString();
  }
  return lastTimeIso;
}

/**
 * stdout without a blocking write per line (pino's default destination writes each line synchronously: a
 * write(2) per request on the event loop). Asynchronous, with no minimum length: a line is written at once when
 * no write is in flight, and lines logged meanwhile go out together in the next write, so nothing waits for a
 * buffer to fill. pino flushes what is pending synchronously when the process exits; only a SIGKILL can lose the
 * lines of the write in flight.
 */
export function stdoutSink(): LogSink {
  return destination({ dest: 1, sync: false, minLength: 0 });
}

/**
 * Fastify's per-request log lines, replaced by exactly one line per request:
 * {level, time, requestId, msg:"request", method, route, status, durationMs}.
 * The route is the template (`/scim/v2/Users/:id`), never the raw URL, which may carry filter values (PII).
 */
export class RequestLogController extends LogController {
  /**
   * `sink` is the logger's own stream: a request that succeeded is written there as one line formatted here
   * (requestLine), byte for byte what pino would write, without pino's generic serialisation and redaction,
   * since its fields are known and none of them can hold a secret. Errors still go through pino.
   */
  constructor(
    private readonly sink: LogSink,
    private readonly requestLinesLogged: boolean,
  ) {
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
    else if (this.requestLinesLogged) this.sink.write(requestLine(String(request.id), line));
  }
}

export interface RequestLine {
  method: string;
  route: string;
  status: number;
  durationMs: number;
}

/** The info line of a request, as pino writes `child({requestId}).info(line, 'request')` with loggerOptions. */
export function requestLine(requestId: string, line: RequestLine): string {
  return (
    `{"level":"info","time":"${isoTime()}","requestId":${JSON.stringify(requestId)},` +
    `"method":${JSON.stringify(line.method)},"route":${JSON.stringify(line.route)},` +
    `"status":${line.status},"durationMs":${line.durationMs},"msg":"request"}\n`
  );
}
