import { Module } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard';
import { JournalController } from './journal.controller';

/**
 * The change journal's read side: GET /admin/tenants/{id}/journal behind the admin guard. The write side is
 * ResourceService + ResourceRepository.commit; the repositories come from StoreModule.
 */
@Module({
  controllers: [JournalController],
  providers: [AdminGuard],
})
export class JournalModule {}
