import { ThrottlingModule } from '../throttling/throttling.module';
import { Module } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard';
import { JournalController } from './journal.controller';

/**
 * The change journal's read side: GET /admin/tenants/{id}/journal behind the admin guard. The write side is
 * ResourceWriter + ResourceRepository.commit; the repositories come from StoreModule.
 */
@Module({
  imports: [ThrottlingModule],
  controllers: [JournalController],
  providers: [AdminGuard],
})
export class JournalModule {}
