import { Injectable, Logger } from '@nestjs/common';
import { SubscriptionRepository } from '../../store/subscription.port';
import { JournalNotifier } from '../journal-notifier';
import type { SubscriptionRecord } from '../subscription';
import { SetMinter } from './set-minter';
import { SetPushTransport } from './set-push.transport';
import { ssfStatus } from './ssf-stream';
import { newVerificationJti } from './ssf-verification';

/**
 * SSF 1.0 §8.1.5: the stream-updated SET, sent when a stream's status changes (through the SSF API or the admin
 * API alike: SubscriptionAdminService calls this after every state change it writes).
 *
 * It is about the stream, not about a change of the directory, so it does not take the ordered path of the
 * journal: a paused stream delivers nothing from the journal, and a "paused" event queued behind the very
 * events the pause holds back would arrive only after the stream is enabled again. Instead, like the
 * verification SET: push sends it at once (outcome logged, not retried); poll keeps it on the record (durable,
 * any replica offers it) and offers it first until acknowledged, only the latest status being kept.
 */
@Injectable()
export class SsfStreamUpdates {
  private readonly logger = new Logger('Streaming');

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly minter: SetMinter,
    private readonly push: SetPushTransport,
    private readonly notifier: JournalNotifier,
  ) {}

  async statusChanged(record: SubscriptionRecord): Promise<void> {
    const method = record.delivery.method;
    if ((method !== 'push' && method !== 'poll') || this.minter.issuer() === undefined) return;
    const update = {
      jti: newVerificationJti(),
      status: ssfStatus(record),
      ...(record.stateReason !== undefined ? { reason: record.stateReason } : {}),
      at: new Date().toISOString(),
    };
    if (method === 'poll') return this.queue(record, update);
    const jws = await this.minter.mintStreamUpdated(record, update);
    void this.push.post(record, jws, AbortSignal.timeout(60_000)).then((outcome) => {
      this.logger.log({
        msg: 'SSF stream-updated SET sent',
        subscriptionId: record.id,
        jti: update.jti,
        status: update.status,
        outcome: outcome.kind,
      });
    });
  }

  private async queue(
    record: SubscriptionRecord,
    update: SubscriptionRecord['streamUpdated'],
  ): Promise<void> {
    let current: SubscriptionRecord | null = record;
    for (let attempt = 0; attempt < 10 && current; attempt++) {
      const next = structuredClone(current);
      next.streamUpdated = update;
      next.rev = current.rev + 1;
      if (await this.subscriptions.update(next)) {
        this.notifier.committed(record.tenantId, 0, 0);
        return;
      }
      current = await this.subscriptions.find(record.tenantId, record.id);
    }
    this.logger.warn({ msg: 'SSF stream-updated SET not queued', subscriptionId: record.id });
  }
}
