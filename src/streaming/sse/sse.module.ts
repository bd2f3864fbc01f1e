import { StreamingCoreModule } from '../streaming-core.module';
import { Module } from '@nestjs/common';
import { SseController } from './sse.controller';
import { SseService } from './sse.service';

/**
 * The SSE transport. Needs SubscriptionRepository, JournalRepository and JournalNotifier from the store /
 * streaming wiring (StreamingCoreModule).
 */
@Module({
  imports: [StreamingCoreModule],
  controllers: [SseController],
  providers: [SseService],
  exports: [SseService],
})
export class SseModule {}
