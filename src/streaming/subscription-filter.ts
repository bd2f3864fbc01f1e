import type { JournalEntry } from '../store/ports';
import { carriesSets } from './set/set-builder';
import { streamEventType } from './stream-event';
import type { SubscriptionRecord } from './subscription';

/**
 * Whether a subscription wants the event of this entry (issue "Streaming": `eventTypes`, `resourceTypes`;
 * absent = everything). Events filtered out are never sent, but the position moves over them.
 */
export function wantsEntry(
  subscription: Pick<SubscriptionRecord, 'eventTypes' | 'resourceTypes' | 'excludedSubjects'> & {
    delivery?: SubscriptionRecord['delivery'];
  },
  entry: JournalEntry,
): boolean {
  // Standard streams carry RFC 9967 events only: admin actions have no SET form and are moved over.
  const method = subscription.delivery?.method;
  if ((method === 'push' || method === 'poll') && !carriesSets(entry)) return false;
  // SSF §8.1.3.3: a removed subject's events are not sent (subject-filter keys: src/streaming/set/ssf-subjects.ts).
  if (subscription.excludedSubjects?.includes(`${entry.resourceType}/${entry.resourceId}`)) return false;
  if (subscription.resourceTypes !== undefined && !subscription.resourceTypes.includes(entry.resourceType)) {
    return false;
  }
  if (subscription.eventTypes !== undefined) {
    return (subscription.eventTypes as string[]).includes(streamEventType(entry));
  }
  return true;
}
