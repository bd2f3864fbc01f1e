import { StreamingCoreModule } from './streaming-core.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { Module } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard';
import { SubscriptionAdminService } from './admin/subscription-admin.service';
import { SubscriptionsController } from './admin/subscriptions.controller';
import { DeliveryScheduler } from './delivery/delivery-scheduler';
import { PushTransport } from './delivery/push-transport';
import { PUSH_TRANSPORTS, PushTransportRegistry } from './delivery/push-transport.registry';
import { STREAM_METRIC_PROVIDERS, StreamMetrics } from './stream.metrics';
import { SubscriptionSecrets } from './subscription-secrets';
import { WebhookTransport } from './webhook/webhook.transport';
import { WebhookUrlPolicy } from './webhook/webhook-url.policy';
import { NatsModule } from './nats/nats.module';
import { NatsTransport } from './nats/nats.transport';
import { SseModule } from './sse/sse.module';
import { JwksController, SetKeysAdminController } from './set/set-keys.controller';
import { SetSigningKeys } from './set/set-signing-keys';
import { SetMinter } from './set/set-minter';
import { SetPushTransport } from './set/set-push.transport';
import { SetPollController } from './set/set-poll.controller';
import { SetPollService } from './set/set-poll.service';
import { SsfStreamUpdates } from './set/ssf-stream-updates';
import { SsfConfigurationController } from './set/ssf-configuration.controller';
import { SsfStreamsController } from './set/ssf.controller';
import { SsfVerificationSender } from './set/ssf-verification-sender';

/**
 * The change stream (issue "Streaming"; docs/streaming.md): subscriptions in the admin API, the deliverer of
 * push subscriptions and its transports, the stream's metrics. JournalNotifier and AdminJournal come from the
 * StreamingCoreModule, the repositories from StoreModule.
 */
@Module({
  controllers: [
    SubscriptionsController,
    JwksController,
    SetKeysAdminController,
    SetPollController,
    SsfConfigurationController,
    SsfStreamsController,
  ],
  imports: [StreamingCoreModule, ThrottlingModule, NatsModule, SseModule],
  providers: [
    AdminGuard,
    DeliveryScheduler,
    StreamMetrics,
    ...STREAM_METRIC_PROVIDERS,
    SubscriptionAdminService,
    SubscriptionSecrets,
    SetSigningKeys,
    SetMinter,
    SetPushTransport,
    SetPollService,
    SsfStreamUpdates,
    SsfVerificationSender,
    WebhookTransport,
    WebhookUrlPolicy,
    // Every push transport, keyed by method in PushTransportRegistry.
    {
      provide: PUSH_TRANSPORTS,
      inject: [WebhookTransport, NatsTransport, SetPushTransport],
      useFactory: (...transports: PushTransport[]) => transports,
    },
    PushTransportRegistry,
  ],
  exports: [SubscriptionSecrets, StreamMetrics],
})
export class StreamingModule {}
