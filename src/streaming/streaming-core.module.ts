import { Module } from '@nestjs/common';
import { AdminJournal } from './admin-journal';
import { JournalNotifier } from './journal-notifier';

/**
 * What every writer needs from the change stream, imported by every module that writes: the in-process
 * JournalNotifier (wake-up after a commit) and AdminJournal (admin actions as journal entries).
 */
@Module({
  providers: [JournalNotifier, AdminJournal],
  exports: [JournalNotifier, AdminJournal],
})
export class StreamingCoreModule {}
