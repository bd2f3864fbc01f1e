import type { JournalEntry } from '../store/ports';
import { streamEventType } from './stream-event';
import type { SubscriptionRecord } from './subscription';

/**
 * Whether a subscription wants the event of this entry (issue "Streaming": `eventTypes`, `resourceTypes`;
 * absent = everything). Events filtered out are never sent, but the position moves over them.
 */
export function wantsEntry(
  subscription: Pick<SubscriptionRecord, 'eventTypes' | 'resourceTypes'>,
  entry: JournalEntry,
): boolean {
  if (subscription.resourceTypes !== undefined && !subscription.resourceTypes.includes(entry.resourceType)) {
    return false;
  }
  if (subscription.eventTypes !== undefined) {
    return (subscription.eventTypes as string[]).includes(streamEventType(entry));
  }
  return true;
}
