import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminApi } from '../../admin/admin-api.decorator';
import { listView, ListView } from '../../admin/admin.views';
import { ADMIN_BASE_PATH } from '../../admin/tenants.controller';
import { SubscriptionAdminService } from './subscription-admin.service';
import { CreateSubscriptionDto, ReplayDto, RotateSecretDto, UpdateSubscriptionDto } from './subscription.dto';
import { DeliveriesView, SubscriptionView, SubscriptionWithSecretView } from './subscription.views';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const EXAMPLE: SubscriptionView = {
  id: '5b0c7a52-2f0e-4a8e-9d6c-1f2a3b4c5d6e',
  tenantId: 'contoso',
  name: 'HR sync',
  delivery: { method: 'webhook', url: 'https://hooks.example.com/scim' },
  eventTypes: ['user.created', 'user.deactivated'],
  maxRetryHours: 72,
  state: 'active',
  status: 'failing',
  position: 41,
  headSeq: 45,
  lag: 4,
  lastDeliveredAt: '2026-01-31T09:00:00.000Z',
  lastError: { at: '2026-01-31T09:00:05.000Z', status: 503, detail: 'the consumer answered HTTP 503' },
  nextAttemptAt: '2026-01-31T09:00:07.000Z',
  deadLettered: 0,
  secrets: [{ id: '0f6f3f4e-8c1a-4b43-9d6c-0e1f2a3b4c5d', createdAt: '2026-01-30T09:00:00.000Z' }],
  createdAt: '2026-01-30T09:00:00.000Z',
  updatedAt: '2026-01-31T09:00:05.000Z',
};
const CREATED_EXAMPLE: SubscriptionWithSecretView = {
  ...EXAMPLE,
  status: 'active',
  position: 45,
  lag: 0,
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5p9N0Yj4Q2E=',
};

/**
 * Subscriptions of a tenant's change stream (issue "Streaming"; docs/streaming.md): webhook, Server-Sent
 * Events or NATS JetStream. Admin API (ADMIN_TOKEN); errors in the admin API's SCIM error format.
 */
@ApiTags('Admin: subscriptions')
@AdminApi()
@Controller(`${ADMIN_BASE_PATH}/tenants/:tenantId/subscriptions`)
export class SubscriptionsController {
  constructor(private readonly admin: SubscriptionAdminService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Create a subscription; its secret (webhook) or consumer token (sse) is in this answer only',
  })
  @ApiBody({
    type: CreateSubscriptionDto,
    examples: {
      webhook: {
        value: { name: 'HR sync', delivery: { method: 'webhook', url: 'https://hooks.example.com/scim' } },
      },
      batched: {
        value: {
          name: 'Warehouse',
          delivery: { method: 'webhook', url: 'https://etl.example.com/in', maxBatchSize: 100 },
          resourceTypes: ['User'],
          startAt: 'earliest',
        },
      },
      sse: { value: { name: 'Dashboard', delivery: { method: 'sse' }, eventTypes: ['user.deactivated'] } },
      nats: { value: { name: 'Fan-out', delivery: { method: 'nats' }, startAt: { seq: 1 } } },
    },
  })
  @ApiCreatedResponse({ schema: { example: CREATED_EXAMPLE } })
  @ApiBadRequestResponse({
    description: 'Bad URL, unknown method or event type, nats without NATS_URL, bad startAt: nothing created',
    schema: {
      example: {
        schemas: [ERROR],
        status: '400',
        scimType: 'invalidValue',
        detail: 'delivery.url must use http or https (got "ftp")',
      },
    },
  })
  @ApiNotFoundResponse({ description: 'Unknown tenant' })
  create(
    @Param('tenantId') tenantId: string,
    @Body() body: CreateSubscriptionDto,
  ): Promise<SubscriptionWithSecretView> {
    return this.admin.create(tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the subscriptions of a tenant with their status' })
  @ApiOkResponse({ schema: { example: { totalResults: 1, items: [EXAMPLE] } } })
  async list(@Param('tenantId') tenantId: string): Promise<ListView<SubscriptionView>> {
    return listView(await this.admin.list(tenantId));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read a subscription and its delivery status',
    description:
      'status: active, paused, failing (active, the next event has failed at least once) or expired (its ' +
      'position fell behind JOURNAL_RETENTION_DAYS). lag counts the seqs after position up to headSeq.',
  })
  @ApiOkResponse({ schema: { example: EXAMPLE } })
  @ApiNotFoundResponse({ description: 'Unknown tenant or subscription' })
  get(@Param('tenantId') tenantId: string, @Param('id') id: string): Promise<SubscriptionView> {
    return this.admin.get(tenantId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Pause or resume, change the URL, the filters, batching or the retry window' })
  @ApiBody({
    type: UpdateSubscriptionDto,
    examples: {
      pause: { value: { state: 'paused' } },
      resume: { value: { state: 'active' } },
      filters: { value: { eventTypes: ['user.deactivated', 'user.deleted'], resourceTypes: null } },
      url: { value: { url: 'https://hooks.example.com/v2', maxBatchSize: 50 } },
    },
  })
  @ApiOkResponse({ schema: { example: EXAMPLE } })
  @ApiConflictResponse({ description: 'Resuming an expired subscription (replay it instead)' })
  @ApiNotFoundResponse({ description: 'Unknown tenant or subscription' })
  update(
    @Param('tenantId') tenantId: string,
    @Param('id') id: string,
    @Body() body: UpdateSubscriptionDto,
  ): Promise<SubscriptionView> {
    return this.admin.update(tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription, its delivery history and dead letters' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'Unknown tenant or subscription' })
  async delete(@Param('tenantId') tenantId: string, @Param('id') id: string): Promise<void> {
    await this.admin.delete(tenantId, id);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deliver again from fromSeq (the position becomes fromSeq - 1); revives an expired subscription',
  })
  @ApiBody({ type: ReplayDto, examples: { fromStart: { value: { fromSeq: 1 } } } })
  @ApiOkResponse({ schema: { example: { ...EXAMPLE, position: 0, lag: 45 } } })
  @ApiBadRequestResponse({ description: 'fromSeq is older than the oldest event kept (named in the detail)' })
  @ApiNotFoundResponse({ description: 'Unknown tenant or subscription' })
  replay(
    @Param('tenantId') tenantId: string,
    @Param('id') id: string,
    @Body() body: ReplayDto,
  ): Promise<SubscriptionView> {
    return this.admin.replay(tenantId, id, body);
  }

  @Post(':id/rotate-secret')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'A new secret (or SSE token), shown once; the old one keeps working for graceSeconds (24 h)',
    description:
      'During the grace period every webhook carries two signatures in webhook-signature, one per secret, ' +
      'so the consumer can switch at its own pace (Standard Webhooks).',
  })
  @ApiBody({
    type: RotateSecretDto,
    required: false,
    examples: { default: { value: {} }, hour: { value: { graceSeconds: 3600 } } },
  })
  @ApiCreatedResponse({ schema: { example: CREATED_EXAMPLE } })
  @ApiNotFoundResponse({ description: 'Unknown tenant or subscription' })
  rotateSecret(
    @Param('tenantId') tenantId: string,
    @Param('id') id: string,
    @Body() body: RotateSecretDto,
  ): Promise<SubscriptionWithSecretView> {
    return this.admin.rotateSecret(tenantId, id, body);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Recent delivery attempts (newest first) and dead letters' })
  @ApiOkResponse({
    schema: {
      example: {
        attempts: [
          {
            subscriptionId: EXAMPLE.id,
            fromSeq: 42,
            toSeq: 42,
            at: '2026-01-31T09:00:05.000Z',
            outcome: 'retry',
            status: 503,
            durationMs: 12,
            error: 'the consumer answered HTTP 503',
          },
        ],
        deadLetters: [],
      },
    },
  })
  @ApiNotFoundResponse({ description: 'Unknown tenant or subscription' })
  deliveries(@Param('tenantId') tenantId: string, @Param('id') id: string): Promise<DeliveriesView> {
    return this.admin.deliveries(tenantId, id);
  }
}
