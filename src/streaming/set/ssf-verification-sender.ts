import { Injectable, Logger } from '@nestjs/common';
import { ScimError } from '../../scim/errors';
import { SubscriptionRepository } from '../../store/subscription.port';
import { SetMinter } from './set-minter';
import { SetPollService } from './set-poll.service';
import { SetPushTransport } from './set-push.transport';
import { verificationWait } from './ssf-stream';
import { newVerificationJti } from './ssf-verification';

/**
 * SSF 1.0 §8.1.4: the verification SET a receiver asks for, at most once per min_verification_interval
 * (sooner: 429 with Retry-After). Poll keeps it on the record and offers it first until acknowledged; push
 * sends it at once, outside the ordered stream (it is about the stream, not a change), the outcome logged.
 */
@Injectable()
export class SsfVerificationSender {
  private readonly logger = new Logger('Streaming');

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly polls: SetPollService,
    private readonly minter: SetMinter,
    private readonly push: SetPushTransport,
  ) {}

  async request(tenantId: string, streamId: string, state: string | undefined): Promise<void> {
    const record = await this.subscriptions.find(tenantId, streamId);
    if (!record) throw ScimError.notFound(`Stream ${JSON.stringify(streamId)} not found`);
    const wait = verificationWait(record.lastVerificationAt);
    if (wait > 0) {
      throw new ScimError(
        429,
        undefined,
        `A verification was requested less than min_verification_interval ago: retry in ${wait} s`,
        { 'Retry-After': String(wait) },
      );
    }
    const jti = newVerificationJti();
    await this.polls.requestVerification(record, jti, state);
    if (record.delivery.method === 'poll') return;
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
}
