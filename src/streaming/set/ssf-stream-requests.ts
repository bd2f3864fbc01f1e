/**
 * The SSF 1.0 stream-management requests (§8.1.1.1 create, §8.1.1.3 update, §8.1.1.4 replace, §8.1.2.2 status)
 * read and mapped onto the changes of the admin API, so that an SSF stream goes through the same
 * SubscriptionAdminService checks as a subscription. Pure: what SSF asks for that a stream here cannot be
 * is a 400 invalidValue.
 */
import { ScimError } from '../../scim/errors';
import type { CreateSubscriptionDto, UpdateSubscriptionDto } from '../admin/subscription.dto';
import type { SubscriptionView } from '../admin/subscription.views';
import { POLL_METHOD_URN, PUSH_METHOD_URN } from './scim-events';
import { Json, object, strings, text } from './ssf-request';
import { formatOfRequest } from './ssf-stream';

/** The description of a stream created, or replaced, without one. */
export const DEFAULT_STREAM_DESCRIPTION = 'SSF stream';

/** The subscription a create request asks for; without `delivery`, a poll stream. */
export function subscriptionToCreate(input: Json): CreateSubscriptionDto {
  const delivery = input.delivery === undefined ? {} : object(input.delivery, 'delivery');
  const format = formatOfRequest(strings(input.events_requested, 'events_requested'));
  const method = delivery.method ?? POLL_METHOD_URN;
  let ours: Json;
  if (method === PUSH_METHOD_URN) {
    // The URL is checked by the admin service, as a subscription's is.
    ours = { method: 'push', url: delivery.endpoint_url, format };
    if (delivery.authorization_header !== undefined) ours.authorizationHeader = delivery.authorization_header;
  } else if (method === POLL_METHOD_URN) {
    ours = { method: 'poll', format };
  } else {
    throw ScimError.invalidValue(`delivery.method must be ${PUSH_METHOD_URN} or ${POLL_METHOD_URN}`);
  }
  const description =
    input.description === undefined ? DEFAULT_STREAM_DESCRIPTION : text(input.description, 'description');
  return { name: description, delivery: ours } as CreateSubscriptionDto;
}

/**
 * The change an update (`replace` false: what is given changes) or a replace (`replace` true: what is left
 * out returns to its default) asks of the stream `current`. The delivery method and the receiver's
 * authorization header are fixed at creation: another stream is the way to change them.
 */
export function subscriptionChange(
  input: Json,
  current: Pick<SubscriptionView, 'delivery'>,
  replace: boolean,
): UpdateSubscriptionDto {
  const change: UpdateSubscriptionDto = {};
  if (input.description !== undefined) change.name = text(input.description, 'description');
  else if (replace) change.name = DEFAULT_STREAM_DESCRIPTION;
  if (input.events_requested !== undefined || replace) {
    change.format = formatOfRequest(strings(input.events_requested, 'events_requested'));
  }
  const delivery = input.delivery === undefined ? undefined : object(input.delivery, 'delivery');
  const method = current.delivery.method === 'push' ? PUSH_METHOD_URN : POLL_METHOD_URN;
  if (delivery?.method !== undefined && delivery.method !== method) {
    throw ScimError.invalidValue(
      `delivery.method of a stream cannot change (it is ${method}): create a new stream`,
    );
  }
  if (delivery?.authorization_header !== undefined) {
    throw ScimError.invalidValue(
      'delivery.authorization_header is set when the stream is created; create a new stream to change it',
    );
  }
  if (current.delivery.method === 'push') {
    if (delivery?.endpoint_url !== undefined) {
      change.url = text(delivery.endpoint_url, 'delivery.endpoint_url');
    } else if (replace) {
      throw ScimError.invalidValue('delivery.endpoint_url is required to replace a push stream');
    }
  }
  return change;
}

/** The subscription state a status request asks for. */
export function requestedState(input: Json): 'active' | 'paused' {
  const status = input.status;
  if (status !== 'enabled' && status !== 'paused') {
    // `disabled` would drop events (SSF §8.1.2): this server keeps them; delete the stream instead.
    throw ScimError.invalidValue('status must be "enabled" or "paused"');
  }
  return status === 'enabled' ? 'active' : 'paused';
}
