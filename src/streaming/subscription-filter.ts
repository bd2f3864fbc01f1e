import type { StreamEvent } from './stream-event';
import type { SubscriptionRecord } from './subscription';

/**
 * Whether a subscription's filters let the event through. Filtered events are not sent; the position moves
 * past them all the same (SubscriptionRecord.eventTypes/resourceTypes).
 */
export function subscriptionAccepts(
  subscription: Pick<SubscriptionRecord, 'eventTypes' | 'resourceTypes'>,
  event: Pick<StreamEvent, 'type' | 'resource'>,
): boolean {
  if (subscription.eventTypes && !subscription.eventTypes.includes(event.type)) return false;
  if (subscription.resourceTypes && !subscription.resourceTypes.includes(event.resource.type)) return false;
  return true;
}
