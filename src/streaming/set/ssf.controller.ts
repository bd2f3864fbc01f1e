import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiForbiddenResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { RequiresAccess } from '../../auth/scim-access';
import { Tenant } from '../../auth/tenant.decorator';
import type { Principal } from '../../auth/principal';
import { AppConfig } from '../../config/app-config';
import { ScimError } from '../../scim/errors';
import { SubscriptionAdminService } from '../admin/subscription-admin.service';
import type { SubscriptionView } from '../admin/subscription.views';
import { issuerUrl } from './set-issuer';
import { SetMinter } from './set-minter';
import { SET_POLL_BASE_PATH } from './set-poll.controller';
import { isSsfStream, streamConfiguration, SsfStreamConfiguration, streamStatus } from './ssf-stream';
import { requestedState, subscriptionChange, subscriptionToCreate } from './ssf-stream-requests';
import { Json, object, text } from './ssf-request';
import { SubjectError, subjectKeys, withSubject } from './ssf-subjects';
import { SsfVerificationSender } from './ssf-verification-sender';

import { SSF_BASE_PATH } from './ssf-configuration.controller';

export { SSF_BASE_PATH };

/** The body of subjects:add and subjects:remove (SSF 1.0 §8.1.3.2, §8.1.3.3). */
const SUBJECT_BODY = {
  type: 'object',
  required: ['stream_id', 'subject'],
  properties: {
    stream_id: { type: 'string' },
    subject: {
      type: 'object',
      description: '{"format": "scim", "uri": "/Users/<id>"} or {"format": "opaque", "id": "<resource id>"}',
    },
    verified: { type: 'boolean', description: 'Accepted and ignored' },
  },
};

/**
 * SSF 1.0 §8.1 stream management over the tenant's subscriptions: a stream is a push or poll subscription.
 * Authorised (issue 13) with ADMIN_TOKEN, naming the tenant with `?tenant=<id>`, or with a credential of the
 * tenant that has the scope `ssf.manage` (a static token issued with `scopes: ["ssf.manage"]`, or an OAuth
 * client declared with it); a plain SCIM provisioning credential gets 403 insufficient_scope (scim-access.ts).
 * The admin API manages the same subscriptions: both go through SubscriptionAdminService (same checks, same
 * admin journal entries, same stream-updated SETs).
 */
@ApiTags('Standard streams')
@ApiBearerAuth()
@ApiBearerAuth('admin')
@RequiresAccess('stream-management')
@ApiQuery({
  name: 'tenant',
  required: false,
  description:
    'With ADMIN_TOKEN: the tenant whose streams are managed (required). With a tenant credential: optional, its own tenant',
})
@ApiForbiddenResponse({ description: 'The credential lacks the scope ssf.manage, or names another tenant' })
@Controller(SSF_BASE_PATH)
export class SsfStreamsController {
  constructor(
    private readonly admin: SubscriptionAdminService,
    private readonly minter: SetMinter,
    private readonly config: AppConfig,
    private readonly verifications: SsfVerificationSender,
  ) {}

  @Post('verify')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Request a verification SET (SSF 1.0 §8.1.4): pushed now, or offered first at the next poll',
  })
  @ApiTooManyRequestsResponse({ description: 'Sooner than min_verification_interval after the last request' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['stream_id'],
      properties: { stream_id: { type: 'string' }, state: { type: 'string' } },
    },
  })
  async verify(@Tenant() principal: Principal, @Body() body: unknown): Promise<void> {
    const input = object(body);
    const view = await this.stream(principal, text(input.stream_id, 'stream_id'));
    const state = input.state === undefined ? undefined : text(input.state, 'state');
    await this.verifications.request(principal.tenantId, view.id, state);
  }

  @Post('streams')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a stream (SSF 1.0 §8.1.1.1); without delivery: poll' })
  @ApiBody({ schema: { type: 'object' } })
  async create(@Tenant() principal: Principal, @Body() body: unknown): Promise<SsfStreamConfiguration> {
    const created = await this.admin.create(principal.tenantId, subscriptionToCreate(object(body)));
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
    return all.filter(isSsfStream).map((view) => this.configuration(view));
  }

  @Patch('streams')
  @ApiOperation({
    summary: 'Update a stream: events_requested, description, delivery.endpoint_url (SSF 1.0 §8.1.1.3)',
  })
  @ApiBody({ schema: { type: 'object' } })
  async update(@Tenant() principal: Principal, @Body() body: unknown): Promise<SsfStreamConfiguration> {
    const input = object(body);
    const current = await this.stream(principal, text(input.stream_id, 'stream_id'));
    const change = subscriptionChange(input, current, false);
    return this.configuration(await this.admin.update(principal.tenantId, current.id, change));
  }

  @Put('streams')
  @ApiOperation({
    summary:
      'Replace a stream configuration (SSF 1.0 §8.1.1.4): receiver-supplied properties left out return to their defaults',
  })
  @ApiBody({ schema: { type: 'object', required: ['stream_id'] } })
  async replace(@Tenant() principal: Principal, @Body() body: unknown): Promise<SsfStreamConfiguration> {
    const input = object(body);
    const current = await this.stream(principal, text(input.stream_id, 'stream_id'));
    const change = subscriptionChange(input, current, true);
    return this.configuration(await this.admin.update(principal.tenantId, current.id, change));
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
    return streamStatus(await this.stream(principal, text(streamId, 'stream_id')));
  }

  @Post('status')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Enable or pause a stream (SSF 1.0 §8.1.2.2); paused streams keep their events; a stream-updated SET follows',
  })
  @ApiBody({ schema: { type: 'object' } })
  async setStatus(@Tenant() principal: Principal, @Body() body: unknown): Promise<Json> {
    const input = object(body);
    const current = await this.stream(principal, text(input.stream_id, 'stream_id'));
    const state = requestedState(input);
    return streamStatus(await this.admin.update(principal.tenantId, current.id, { state }));
  }

  @Post('subjects::add')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Add a subject back to a stream (SSF 1.0 §8.1.3.2): streams cover all subjects, so this resumes a removed one',
  })
  @ApiBody({ schema: SUBJECT_BODY })
  async addSubject(@Tenant() principal: Principal, @Body() body: unknown): Promise<void> {
    await this.subject(principal, body, false);
  }

  @Post('subjects::remove')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a subject from a stream (SSF 1.0 §8.1.3.3): its events are no longer sent',
  })
  @ApiBody({ schema: SUBJECT_BODY })
  async removeSubject(@Tenant() principal: Principal, @Body() body: unknown): Promise<void> {
    await this.subject(principal, body, true);
  }

  private async subject(principal: Principal, body: unknown, remove: boolean): Promise<void> {
    const input = object(body);
    const current = await this.stream(principal, text(input.stream_id, 'stream_id'));
    try {
      const keys = subjectKeys(input.subject);
      await this.admin.updateExcludedSubjects(principal.tenantId, current.id, (excluded) =>
        withSubject(excluded, keys, remove),
      );
    } catch (error) {
      if (error instanceof SubjectError) throw ScimError.invalidValue(error.message);
      throw error;
    }
  }

  private async stream(principal: Principal, streamId: string): Promise<SubscriptionView> {
    const view = await this.admin.get(principal.tenantId, streamId);
    if (!isSsfStream(view)) throw ScimError.notFound(`Stream ${JSON.stringify(streamId)} not found`);
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
