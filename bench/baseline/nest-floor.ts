/**
 * The minimal-Nest target of `npm run bench -- --nest-floor` (issue 12): the bare Fastify baseline's routes, data
 * and answers (baseline-data.ts, shared with fastify-baseline.ts), served by a NestJS application on
 * @nestjs/platform-fastify with the same Fastify options, ONE global guard (the same bearer check) and ONE global
 * interceptor (the answer's content type and headers, the body returned as JSON). Nothing else: no pipes, no
 * filters of its own, no logger, no modules beyond one. The issue puts such an app at about 0.55× of bare Fastify,
 * "the floor the framework itself sets"; the bench measures it in the same run, so that ours / Nest floor says how
 * much of the distance to bare Fastify is ours.
 *
 * Success statuses are Nest's route statuses (200, 201 for POST, @HttpCode(204) for the member PATCH): Nest sets
 * them after the interceptors. Error outcomes are thrown as HttpException, which Nest's default filter sends.
 *
 * Environment (set by bench/server.ts's startServer): PORT, HOST, SCIM_TOKEN, DATA_DIR (holding baseline-seed.json).
 */
import 'reflect-metadata';
import {
  Body,
  CallHandler,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  HttpCode,
  HttpException,
  Inject,
  Module,
  NestInterceptor,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import {
  authorize,
  BaselineData,
  FASTIFY_OPTIONS,
  loadBaseline,
  Outcome,
  parseScimJson,
  PatchBody,
  SCIM_JSON,
} from './baseline-data';

const BASELINE_DATA = Symbol('BaselineData');

/** The baseline's onRequest bearer check, as a Nest guard. */
class BearerGuard implements CanActivate {
  constructor(private readonly expected: string) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const refused = authorize(request.url, request.headers.authorization, this.expected);
    if (refused) throw new HttpException(refused.body as object, refused.status);
    return true;
  }
}

/** Maps the handler's Outcome into the response: content type and headers set, the body returned for Nest to send. */
class OutcomeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((outcome: Outcome) => {
        if (outcome.status >= 400) throw new HttpException(outcome.body as object, outcome.status);
        reply.type(SCIM_JSON);
        if (outcome.headers) reply.headers(outcome.headers);
        return outcome.body;
      }),
    );
  }
}

@Controller('scim/v2')
class ScimController {
  constructor(@Inject(BASELINE_DATA) private readonly data: BaselineData) {}

  @Get('Users/:id')
  getUser(@Param('id') id: string): Outcome {
    return this.data.getUser(id);
  }

  @Get('Users')
  listUsers(@Query() query: Record<string, string | undefined>): Outcome {
    return this.data.listUsers(query);
  }

  @Post('Users')
  createUser(@Body() body: Record<string, unknown>): Promise<Outcome> {
    return this.data.createUser(body);
  }

  @Patch('Users/:id')
  patchUser(@Param('id') id: string, @Body() body: PatchBody): Promise<Outcome> {
    return this.data.patchUser(id, body);
  }

  @Patch('Groups/:id')
  @HttpCode(204)
  patchGroup(@Param('id') id: string, @Body() body: PatchBody): Promise<Outcome> {
    return this.data.patchGroup(id, body);
  }
}

@Controller('health')
class HealthController {
  @Get('ready')
  ready(): Outcome {
    return { status: 200, body: { status: 'ok' } };
  }
}

async function main(): Promise<void> {
  const { data, closeLog, expectedAuthorization, port, host } = await loadBaseline();

  @Module({
    controllers: [ScimController, HealthController],
    providers: [{ provide: BASELINE_DATA, useValue: data }],
  })
  class NestFloorModule {}

  const adapter = new FastifyAdapter(FASTIFY_OPTIONS);
  adapter.getInstance().addContentTypeParser(SCIM_JSON, { parseAs: 'string' }, parseScimJson);
  // Fastify's own application/json parser stays, as in the bare baseline.
  const app = await NestFactory.create<NestFastifyApplication>(NestFloorModule, adapter, {
    bodyParser: false,
    logger: false,
  });
  app.useGlobalGuards(new BearerGuard(expectedAuthorization));
  app.useGlobalInterceptors(new OutcomeInterceptor());
  await app.listen(port, host);

  const stop = () =>
    void app
      .close()
      .then(closeLog)
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`nest floor failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
