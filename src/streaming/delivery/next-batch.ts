import type { JournalEntry } from '../../store/ports';
import { StreamEvent, toStreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { wantsEntry } from '../subscription-filter';

/**
 * Up to `max` wanted events of `entries` (those after `position`); `lastSeq` also covers the unwanted entries
 * among and after them, so that the position moves over what the filters exclude.
 */
export function nextBatch(
  subscription: SubscriptionRecord,
  position: number,
  entries: readonly JournalEntry[],
  max: number,
): { events: StreamEvent[]; batch: JournalEntry[]; lastSeq: number } {
  const events: StreamEvent[] = [];
  const batch: JournalEntry[] = [];
  let lastSeq = position;
  for (const entry of entries) {
    const wanted = wantsEntry(subscription, entry);
    if (wanted && events.length === max) break;
    if (wanted) {
      events.push(toStreamEvent(entry));
      batch.push(entry);
    }
    lastSeq = entry.seq;
  }
  return { events, batch, lastSeq };
}

/** Events per delivery: a webhook's maxBatchSize (1 by default), natsEventsPerDelivery for NATS, else 1. */
export function batchLimit(subscription: SubscriptionRecord, natsEventsPerDelivery: number): number {
  const { delivery } = subscription;
  if (delivery.method === 'webhook') return delivery.maxBatchSize ?? 1;
  return delivery.method === 'nats' ? natsEventsPerDelivery : 1;
}
