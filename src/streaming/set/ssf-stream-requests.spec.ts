import { ScimError } from '../../scim/errors';
import { SCIM_EVENTS } from './scim-events';
import {
  DEFAULT_STREAM_DESCRIPTION,
  requestedState,
  subscriptionChange,
  subscriptionToCreate,
} from './ssf-stream-requests';

const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';
const pushStream = { delivery: { method: 'push', url: 'https://r.example/e', format: 'full' } } as const;
const pollStream = { delivery: { method: 'poll', format: 'full' } } as const;

/** The 400 invalidValue a request is refused with. */
function refusal(request: () => unknown): string {
  try {
    request();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).scimType).toBe('invalidValue');
    return (error as ScimError).detail;
  }
  throw new Error('not refused');
}

describe(subscriptionToCreate.name, () => {
  it('creates a full poll stream with the default description when nothing is asked for', () => {
    expect(subscriptionToCreate({})).toEqual({
      name: DEFAULT_STREAM_DESCRIPTION,
      delivery: { method: 'poll', format: 'full' },
    });
  });

  it('maps a push delivery, its authorization header and a notice request', () => {
    const dto = subscriptionToCreate({
      description: 'receiver A',
      events_requested: [SCIM_EVENTS.patchNotice],
      delivery: { method: PUSH, endpoint_url: 'https://r.example/e', authorization_header: 'Bearer x' },
    });
    expect(dto).toEqual({
      name: 'receiver A',
      delivery: {
        method: 'push',
        url: 'https://r.example/e',
        format: 'notice',
        authorizationHeader: 'Bearer x',
      },
    });
    expect(subscriptionToCreate({ delivery: { method: POLL } }).delivery).toEqual({
      method: 'poll',
      format: 'full',
    });
  });

  it('refuses another delivery method and malformed properties', () => {
    expect(refusal(() => subscriptionToCreate({ delivery: { method: 'urn:example:pigeon' } }))).toBe(
      `delivery.method must be ${PUSH} or ${POLL}`,
    );
    expect(refusal(() => subscriptionToCreate({ delivery: 'x' }))).toBe('delivery must be a JSON object');
    expect(refusal(() => subscriptionToCreate({ events_requested: 'x' }))).toContain('events_requested');
    expect(refusal(() => subscriptionToCreate({ description: 5 }))).toContain('description');
  });
});

describe(subscriptionChange.name, () => {
  it('changes only what an update gives', () => {
    expect(subscriptionChange({}, pollStream, false)).toEqual({});
    expect(subscriptionChange({ description: 'B' }, pollStream, false)).toEqual({ name: 'B' });
    expect(subscriptionChange({ events_requested: [SCIM_EVENTS.putNotice] }, pollStream, false)).toEqual({
      format: 'notice',
    });
    expect(
      subscriptionChange(
        { delivery: { method: PUSH, endpoint_url: 'https://r.example/f' } },
        pushStream,
        false,
      ),
    ).toEqual({ url: 'https://r.example/f' });
  });

  it('returns what a replace leaves out to its default, and needs the endpoint of a push stream', () => {
    expect(subscriptionChange({}, pollStream, true)).toEqual({
      name: DEFAULT_STREAM_DESCRIPTION,
      format: 'full',
    });
    expect(refusal(() => subscriptionChange({}, pushStream, true))).toBe(
      'delivery.endpoint_url is required to replace a push stream',
    );
  });

  it('ignores an endpoint of a poll stream (ours) and refuses what is fixed at creation', () => {
    expect(subscriptionChange({ delivery: { endpoint_url: 'https://x' } }, pollStream, false)).toEqual({});
    expect(refusal(() => subscriptionChange({ delivery: { method: PUSH } }, pollStream, false))).toBe(
      `delivery.method of a stream cannot change (it is ${POLL}): create a new stream`,
    );
    expect(
      refusal(() => subscriptionChange({ delivery: { authorization_header: 'x' } }, pushStream, false)),
    ).toContain('set when the stream is created');
    expect(refusal(() => subscriptionChange({ delivery: { endpoint_url: 5 } }, pushStream, false))).toContain(
      'delivery.endpoint_url',
    );
  });
});

describe(requestedState.name, () => {
  it('maps enabled and paused; disabled would drop events, so it is refused', () => {
    expect(requestedState({ status: 'enabled' })).toBe('active');
    expect(requestedState({ status: 'paused' })).toBe('paused');
    expect(refusal(() => requestedState({ status: 'disabled' }))).toBe(
      'status must be "enabled" or "paused"',
    );
    expect(refusal(() => requestedState({}))).toBe('status must be "enabled" or "paused"');
  });
});
