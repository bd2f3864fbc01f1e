import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../http/public.decorator';
import { ScimError } from '../../scim/errors';
import { SseService } from './sse.service';

export const SSE_BASE_PATH = 'events';

const EXAMPLE_FRAME =
  'id: 42\nevent: user.deactivated\ndata: {"id":"contoso:42","type":"user.deactivated","seq":42,…}\n\n';

/**
 * `GET /events/{subscriptionId}`: a subscription's events as Server-Sent Events (WHATWG HTML §9.2). Public for
 * the SCIM guard: the consumer token of the subscription authenticates, not a tenant token.
 */
@ApiTags('Streaming')
@Public()
@Controller(SSE_BASE_PATH)
export class SseController {
  constructor(private readonly sse: SseService) {}

  @Get(':subscriptionId')
  @ApiOperation({
    summary: "Stream a subscription's events (Server-Sent Events)",
    description:
      'Each event is `id: <seq>`, `event: <type>`, `data: <StreamEvent JSON>` (components.schemas.StreamEvent). ' +
      "Resumes exactly after Last-Event-ID (or ?since=), else after the subscription's position. " +
      '`event: gap` reports events lost to retention; `: keep-alive` comments every SSE_HEARTBEAT_SECONDS.',
  })
  @ApiSecurity('sse-consumer')
  @ApiHeader({
    name: 'Authorization',
    description: 'Bearer <consumer token of the subscription>',
    required: true,
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    description: 'The last seq received: resume after it',
    required: false,
  })
  @ApiQuery({
    name: 'since',
    required: false,
    description: 'Like Last-Event-ID, for clients that cannot set it',
  })
  @ApiOkResponse({
    description: 'An endless text/event-stream',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          description: 'data: of each event is a StreamEvent',
          'x-data-schema': { $ref: '#/components/schemas/StreamEvent' },
        } as Record<string, unknown>,
        example: EXAMPLE_FRAME,
      },
    },
  })
  @ApiUnauthorizedResponse({ description: 'No or a wrong consumer token' })
  @ApiNotFoundResponse({ description: 'Unknown subscription' })
  @ApiConflictResponse({ description: 'Not an SSE subscription, or paused or expired' })
  async stream(
    @Param('subscriptionId') subscriptionId: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('since') since: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const resumeAfter = parseSeq(lastEventId, 'Last-Event-ID') ?? parseSeq(since, 'since');
    const subscription = await this.sse.authorize(subscriptionId, authorization);
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // nginx would buffer the stream otherwise.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    this.sse.stream(subscription, resumeAfter ?? subscription.position, reply.raw);
  }
}

/** A seq given by the client: a non-negative integer, or undefined when absent or empty. */
export function parseSeq(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d{1,15}$/.test(value.trim()))
    throw ScimError.badRequest(`${name} must be a seq (a non-negative integer)`);
  return Number(value.trim());
}
