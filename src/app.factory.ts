import type { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { registerFormBodyParser } from './auth/oauth/form-body.parser';
import { AppConfig } from './config/app-config';
import { AppConfigValues, loadConfig } from './config/load-config';
import { registerBodyDraining, registerJsonBodyParsers } from './http/body-parsers';
import { scimClientErrorHandler } from './http/client-error.handler';
import { NestPinoLogger } from './http/nest-pino.logger';
import { REQUEST_ID_HEADER, requestIdOf } from './http/request-id';
import { LogSink, loggerOptions, logsAt, RequestLogController, stdoutSink } from './http/request-logging';
import { scimErrorOf, sendScimError, toScimError } from './http/scim-error.renderer';
import { registerSecurityHeaders, setApiSecurityHeaders } from './http/security-headers';
import { routeTemplate } from './http/route-template';
import { HttpMetricsService } from './metrics/http-metrics.service';
import { DOCS_JSON_PATH, DOCS_PATH, setupSwagger } from './swagger.setup';

/**
 * Longest path parameter the router accepts (Fastify's default is 100): tenant and OAuth client ids may have
 * 128 characters (admin.dto.ts ID_PATTERN), and a longer segment is answered 414.
 */
export const MAX_PARAM_LENGTH = 256;

/**
 * Reading and discarding the rest of a refused body before closing (registerBodyDraining): at most 16 times
 * BODY_LIMIT (and at least 16 MiB) or 5 seconds, so that clients still sending can read the answer.
 */
const DRAIN_BODY_LIMITS = 16;
const DRAIN_MIN_BYTES = 16 * 1024 * 1024;
const DRAIN_MAX_MS = 5000;

export interface CreateAppOptions {
  /** Extra modules (tests register a controller that throws, or reads the principal). */
  imports?: NonNullable<ModuleMetadata['imports']>;
  /** Where the JSON log lines go; stdout when absent. */
  logSink?: LogSink;
}

/**
 * Builds and initialises the application (not listening): Fastify with the configured body limit and pino
 * logger, JSON body parsers for application/scim+json and application/json (and form bodies for the OAuth token
 * endpoint), request ids, security headers (src/http/security-headers.ts), metrics,
 * Swagger, and the Nest modules. `config` is a loaded AppConfig or overrides of the environment's values.
 */
export async function createApp(
  config: AppConfig | Partial<AppConfigValues> = {},
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const appConfig = config instanceof AppConfig ? config : loadConfig(undefined, config);
  const logSink = options.logSink ?? stdoutSink();

  const adapter = new FastifyAdapter({
    bodyLimit: appConfig.bodyLimit,
    // Behind an ingress/load balancer, client address and protocol come from X-Forwarded-*, but only when the
    // peer is a trusted proxy (TRUST_PROXY).
    trustProxy: fastifyTrustProxy(appConfig.trustProxy),
    genReqId: requestIdOf,
    logger: loggerOptions(appConfig.logLevel, logSink),
    logController: new RequestLogController(logSink, logsAt(appConfig.logLevel, 'info')),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Node's parser refuses some requests before Fastify sees them (431, malformed): SCIM error bodies there too.
    clientErrorHandler: scimClientErrorHandler,
    // The router answers a malformed URL (400) or an over-long parameter (414) before any hook runs, in
    // Fastify's own JSON: answer a SCIM error with the headers the hooks would have set.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      setApiSecurityHeaders(reply);
      sendScimError(reply, toScimError(error, request, appConfig.bodyLimit).error);
    },
  });
  const fastify = adapter.getInstance();
  registerJsonBodyParsers(fastify, { maxDepth: appConfig.maxBodyDepth });
  registerBodyDraining(fastify, {
    maxBytes: Math.max(DRAIN_MIN_BYTES, DRAIN_BODY_LIMITS * appConfig.bodyLimit),
    maxMs: DRAIN_MAX_MS,
  });
  registerFormBodyParser(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  registerSecurityHeaders(fastify, [`/${DOCS_PATH}`, `/${DOCS_JSON_PATH}`]);
  registerConnectionDraining(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config: appConfig, imports: options.imports }),
    adapter,
    { abortOnError: false, bodyParser: false, logger: new NestPinoLogger(fastify.log) },
  );

  // Fastify hooks rather than an interceptor: they also see 404s and body errors that never reach Nest.
  const metrics = app.get(HttpMetricsService);
  fastify.addHook('onRequest', (_request, reply, done) => {
    metrics.started();
    // 'close' comes once per response, also when the client went away before it finished ('finish' would not).
    reply.raw.once('close', () => metrics.finished());
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observe(request.method, routeTemplate(request), reply.statusCode, reply.elapsedTime / 1000);
    const error = scimErrorOf(reply);
    if (error) metrics.scimError(error.status, error.scimType);
    done();
  });

  setupSwagger(app);
  await app.init();
  await fastify.ready();
  return app;
}

/** TRUST_PROXY as Fastify takes it: a boolean, or the list of trusted proxy addresses (proxy-addr syntax). */
export function fastifyTrustProxy(setting: string): boolean | string[] {
  if (setting === 'true') return true;
  if (setting === 'false') return false;
  return setting.split(',').map((entry) => entry.trim());
}

/**
 * Graceful shutdown with keep-alive clients (Entra keeps its connections open): once close() begins, every
 * response still being written says `Connection: close`, so its socket ends with it instead of idling until the
 * keep-alive timeout and holding the process past Kubernetes' grace period. Idle sockets are closed by Fastify.
 */
function registerConnectionDraining(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
