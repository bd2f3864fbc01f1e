import { Body, Controller, Delete, Get, HttpCode, Logger, Patch, Post, Query } from '@nestjs/common';
import { SubscriptionRepository } from '../../store/subscription.port';
import { SetPollService } from './set-poll.service';
import { SetPushTransport } from './set-push.transport';
import { newVerificationJti } from './ssf-verification';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Tenant } from '../../auth/tenant.decorator';
import type { Principal } from '../../auth/principal';
import { AppConfig } from '../../config/app-config';
import { Public } from '../../http/public.decorator';
import { ScimError } from '../../scim/errors';
import { SubscriptionAdminService } from '../admin/subscription-admin.service';
import type { CreateSubscriptionDto, UpdateSubscriptionDto } from '../admin/subscription.dto';
import type { SubscriptionView } from '../admin/subscription.views';
import { POLL_METHOD_URN, PUSH_METHOD_URN } from './scim-events';
import { issuerUrl, JWKS_PATH, SSF_CONFIGURATION_PATH } from './set-issuer';
import { SetMinter } from './set-minter';
import { SET_POLL_BASE_PATH } from './set-poll.controller';
import {
  formatOfRequest,
  SSF_SPEC_VERSION,
  ssfStatus,
  streamConfiguration,
  SsfStreamConfiguration,
} from './ssf-stream';

export const SSF_BASE_PATH = 'ssf';

type Json = Record<string, unknown>;

/** `GET /.well-known/ssf-configuration`: SSF 1.0 §7 transmitter metadata, for any receiver. */
@ApiTags('Standard streams')
@Public()
@Controller()
export class SsfConfigurationController {
  constructor(
    private readonly minter: SetMinter,
    private readonly config: AppConfig,
  ) {}

  @Get(SSF_CONFIGURATION_PATH)
  @ApiOperation({ summary: 'Shared Signals transmitter configuration (OpenID SSF 1.0 §7)' })
  configuration(): Json {
    const issuer = this.minter.issuer();
    if (issuer === undefined) {
      throw ScimError.notFound('This server issues no Security Event Tokens: set SET_ISSUER or BASE_URL');
    }
    const base = this.config.baseUrl ?? issuer;
    return {
      spec_version: SSF_SPEC_VERSION,
      issuer,
      jwks_uri: issuerUrl(base, JWKS_PATH),
      delivery_methods_supported: [PUSH_METHOD_URN, POLL_METHOD_URN],
      configuration_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/streams`),
      status_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/status`),
      verification_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/verify`),
      // Stream management uses the tenant's SCIM credential (RFC 6750 bearer token or OAuth access token).
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }, { spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    };
  }
}

/**
 * SSF 1.0 §8.1 stream management over the tenant's subscriptions: a stream is a push or poll subscription,
 * managed here with the tenant's SCIM credential and in the admin API with ADMIN_TOKEN alike (both go
 * through SubscriptionAdminService: same checks, same admin journal entries).
 */
@ApiTags('Standard streams')
@ApiBearerAuth()
@Controller(SSF_BASE_PATH)
export class SsfStreamsController {
  private readonly logger = new Logger('Streaming');

  constructor(
    private readonly admin: SubscriptionAdminService,
    private readonly minter: SetMinter,
    private readonly config: AppConfig,
    private readonly subscriptions: SubscriptionRepository,
    private readonly polls: SetPollService,
    private readonly push: SetPushTransport,
  ) {}

  @Post('verify')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Request a verification SET (SSF 1.0 §8.1.4): pushed now, or offered first at the next poll',
  })
  @ApiBody({ schema: { type: 'object' } })
  async verify(@Tenant() principal: Principal, @Body() body: unknown): Promise<void> {
    const input = object(body);
    const view = await this.stream(principal, text(input.stream_id, 'stream_id'));
    const state = input.state === undefined ? undefined : text(input.state, 'state');
    const record = await this.subscriptions.find(principal.tenantId, view.id);
    if (!record) throw ScimError.notFound(`Stream ${JSON.stringify(view.id)} not found`);
    const jti = newVerificationJti();
    if (record.delivery.method === 'poll') return this.polls.requestVerification(record, jti, state);
    // Push: sent at once, outside the ordered stream (it is about the stream, not a change); the outcome is logged.
    const jws = await this.minter.mintVerification(record, jti, state);
    void this.push.post(record, jws, AbortSignal.timeout(60_000)).then((outcome) => {
      this.logger.log({
        msg: 'SSF verification SET sent',
        subscriptionId: record.id,
        jti,
        outcome: outcome.kind,
      });
    });
  }

  @Post('streams')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a stream (SSF 1.0 §8.1.1.1); without delivery: poll' })
  @ApiBody({ schema: { type: 'object' } })
  async create(@Tenant() principal: Principal, @Body() body: unknown): Promise<SsfStreamConfiguration> {
    const input = object(body);
    const delivery = input.delivery === undefined ? {} : object(input.delivery, 'delivery');
    const format = formatOfRequest(strings(input.events_requested, 'events_requested'));
    const method = delivery.method ?? POLL_METHOD_URN;
    let ours: Json;
    if (method === PUSH_METHOD_URN) {
      ours = { method: 'push', url: delivery.endpoint_url, format };
      if (delivery.authorization_header !== undefined)
        ours.authorizationHeader = delivery.authorization_header;
    } else if (method === POLL_METHOD_URN) {
      ours = { method: 'poll', format };
    } else {
      throw ScimError.invalidValue(`delivery.method must be ${PUSH_METHOD_URN} or ${POLL_METHOD_URN}`);
    }
    const description =
      input.description === undefined ? 'SSF stream' : text(input.description, 'description');
    const dto = { name: description, delivery: ours } as CreateSubscriptionDto;
    const created = await this.admin.create(principal.tenantId, dto);
    const configuration = this.configuration(created);
    // The poll endpoint authenticates with the stream's own token: shown once, here (like the admin API).
    if (created.token !== undefined) configuration.delivery.authorization_header = `Bearer ${created.token}`;
    return configuration;
  }

  @Get('streams')
  @ApiOperation({ summary: 'Read one stream (?stream_id=) or all of them (SSF 1.0 §8.1.1.2)' })
  async read(
    @Tenant() principal: Principal,
    @Query('stream_id') streamId: string | undefined,
  ): Promise<SsfStreamConfiguration | SsfStreamConfiguration[]> {
    if (streamId !== undefined) return this.configuration(await this.stream(principal, streamId));
    const all = await this.admin.list(principal.tenantId);
    return all.filter(isStream).map((view) => this.configuration(view));
  }

  @Patch('streams')
  @ApiOperation({
    summary: 'Update a stream: events_requested, description, delivery.endpoint_url (SSF 1.0 §8.1.1.3)',
  })
  @ApiBody({ schema: { type: 'object' } })
  async update(@Tenant() principal: Principal, @Body() body: unknown): Promise<SsfStreamConfiguration> {
    const input = object(body);
    const current = await this.stream(principal, text(input.stream_id, 'stream_id'));
    const dto: UpdateSubscriptionDto = {};
    if (input.description !== undefined) dto.name = text(input.description, 'description');
    if (input.events_requested !== undefined) {
      dto.format = formatOfRequest(strings(input.events_requested, 'events_requested'));
    }
    if (input.delivery !== undefined) {
      const delivery = object(input.delivery, 'delivery');
      if (delivery.endpoint_url !== undefined && current.delivery.method === 'push') {
        dto.url = text(delivery.endpoint_url, 'delivery.endpoint_url');
      }
    }
    return this.configuration(await this.admin.update(principal.tenantId, current.id, dto));
  }

  @Delete('streams')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a stream (SSF 1.0 §8.1.1.5)' })
  async remove(
    @Tenant() principal: Principal,
    @Query('stream_id') streamId: string | undefined,
  ): Promise<void> {
    const current = await this.stream(principal, text(streamId, 'stream_id'));
    await this.admin.delete(principal.tenantId, current.id);
  }

  @Get('status')
  @ApiOperation({ summary: 'Stream status: enabled, paused or disabled (expired) (SSF 1.0 §8.1.2.1)' })
  async status(
    @Tenant() principal: Principal,
    @Query('stream_id') streamId: string | undefined,
  ): Promise<Json> {
    const current = await this.stream(principal, text(streamId, 'stream_id'));
    return statusOf(current);
  }

  @Post('status')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable or pause a stream (SSF 1.0 §8.1.2.2); paused streams keep their events' })
  @ApiBody({ schema: { type: 'object' } })
  async setStatus(@Tenant() principal: Principal, @Body() body: unknown): Promise<Json> {
    const input = object(body);
    const current = await this.stream(principal, text(input.stream_id, 'stream_id'));
    const status = input.status;
    if (status !== 'enabled' && status !== 'paused') {
      // `disabled` would drop events (SSF §8.1.2): this server keeps them; delete the stream instead.
      throw ScimError.invalidValue('status must be "enabled" or "paused"');
    }
    const updated = await this.admin.update(principal.tenantId, current.id, {
      state: status === 'enabled' ? 'active' : 'paused',
    });
    return statusOf(updated);
  }

  private async stream(principal: Principal, streamId: string): Promise<SubscriptionView> {
    const view = await this.admin.get(principal.tenantId, streamId);
    if (!isStream(view)) throw ScimError.notFound(`Stream ${JSON.stringify(streamId)} not found`);
    return view;
  }

  private configuration(view: SubscriptionView): SsfStreamConfiguration {
    const issuer = this.minter.issuer();
    if (issuer === undefined) throw ScimError.notFound('This server issues no Security Event Tokens');
    const base = this.config.baseUrl ?? issuer;
    return streamConfiguration(
      view,
      issuer,
      this.minter.audience(view, issuer),
      issuerUrl(base, `${SET_POLL_BASE_PATH}/${view.id}`),
    );
  }
}

function isStream(view: SubscriptionView): boolean {
  return view.delivery.method === 'push' || view.delivery.method === 'poll';
}

function statusOf(view: SubscriptionView): Json {
  return {
    stream_id: view.id,
    status: ssfStatus(view),
    ...(view.stateReason ? { reason: view.stateReason } : {}),
  };
}

function object(value: unknown, name = 'the request body'): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ScimError.invalidValue(`${name} must be a JSON object`);
  }
  return value as Json;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 2048) {
    throw ScimError.invalidValue(`${name} must be a non-empty string`);
  }
  return value;
}

function strings(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw ScimError.invalidValue(`${name} must be an array of event URIs`);
  }
  return value as string[];
}
