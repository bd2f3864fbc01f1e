import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../http/public.decorator';
import { parsePollRequest, PollRequestError } from './poll-request';
import { PollResponse, SetPollService } from './set-poll.service';

export const SET_POLL_BASE_PATH = 'sets/poll';

/**
 * `POST /sets/poll/{subscriptionId}`: the RFC 8936 poll endpoint of a `poll` subscription. Public for the SCIM
 * guard: the subscription's consumer token authenticates (Authorization: Bearer), as for SSE.
 */
@ApiTags('Standard streams')
@Public()
@Controller(SET_POLL_BASE_PATH)
export class SetPollController {
  constructor(private readonly polls: SetPollService) {}

  @Post(':subscriptionId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Poll SETs, acknowledge them, report errors (RFC 8936)',
    description:
      'Body: {maxEvents?, returnImmediately?, ack?: [jti], setErrs?: {jti: {err, description}}}. Answer: ' +
      '{sets: {jti: compact SET}, moreAvailable?}. Unacknowledged SETs are offered again; without ' +
      'returnImmediately the request waits up to SET_POLL_MAX_WAIT_SECONDS for a SET.',
  })
  @ApiSecurity('sse-consumer')
  @ApiBody({ schema: { type: 'object' } })
  @ApiOkResponse({ description: '{"sets": {...}, "moreAvailable": true}' })
  async poll(
    @Param('subscriptionId') subscriptionId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PollResponse | { err: string; description: string }> {
    const subscription = await this.polls.authorize(subscriptionId, authorization);
    let request;
    try {
      request = parsePollRequest(body);
    } catch (error) {
      if (!(error instanceof PollRequestError)) throw error;
      // RFC 8936 §2.4 / RFC 8935 §2.3 error shape.
      reply.status(400);
      return { err: 'invalid_request', description: error.message };
    }
    reply.header('Cache-Control', 'no-store');
    return this.polls.poll(subscription, request);
  }
}
