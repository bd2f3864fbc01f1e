import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { NatsTransport } from './nats.transport';

/**
 * The NATS JetStream push transport. Exported as NatsTransport (a PushTransport with method `nats`); the
 * deliverer's transport registry picks it up, and the admin API asks it isConfigured().
 */
@Module({
  providers: [
    {
      provide: NatsTransport,
      useFactory: (config: AppConfig) => new NatsTransport(config),
      inject: [AppConfig],
    },
  ],
  exports: [NatsTransport],
})
export class NatsModule {}
