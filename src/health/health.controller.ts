import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/public.decorator';
import { ReadinessMetrics } from './readiness.metrics';
import { StoreHealthIndicator } from './store.health-indicator';

/**
 * Kubernetes probes. Not SCIM routes: they answer in Terminus' format, 503 when not ready, and the
 * global SCIM error filter is bypassed on purpose for that 503.
 */
@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: StoreHealthIndicator,
    private readonly readiness: ReadinessMetrics,
  ) {}

  /** Liveness: no dependency is checked; answering at all proves the process and its event loop are alive. */
  @Get('live')
  @HealthCheck()
  live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | string | object> {
    return this.run(reply, []);
  }

  /** Readiness: the store answers, so requests can be served. Each result is recorded (ReadinessMetrics). */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | string | object> {
    const result = await this.run(reply, [() => this.store.check('store')]);
    this.readiness.record(reply.statusCode < 400);
    return result;
  }

  private async run(
    reply: FastifyReply,
    checks: Parameters<HealthCheckService['check']>[0],
  ): Promise<HealthCheckResult | string | object> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503);
      return error.getResponse();
    }
  }
}
