import { SCIM_EVENTS } from './scim-events';
import {
  eventsOfFormat,
  formatOfRequest,
  isSsfStream,
  MIN_VERIFICATION_INTERVAL_SECONDS,
  ssfStatus,
  streamConfiguration,
  streamStatus,
  verificationWait,
} from './ssf-stream';

describe('SSF stream configuration', () => {
  it('maps events_requested to a format: notice only when only notices are asked for', () => {
    expect(formatOfRequest(undefined)).toBe('full');
    expect(formatOfRequest([SCIM_EVENTS.patchNotice])).toBe('notice');
    expect(formatOfRequest([SCIM_EVENTS.patchNotice, SCIM_EVENTS.createFull])).toBe('full');
    expect(
      formatOfRequest([SCIM_EVENTS.delete, 'https://schemas.openid.net/secevent/caep/event-type/x']),
    ).toBe('full');
  });

  it('delivers the events of the format, delete and (de)activation in both', () => {
    expect(eventsOfFormat('notice')).toEqual([
      SCIM_EVENTS.createNotice,
      SCIM_EVENTS.patchNotice,
      SCIM_EVENTS.putNotice,
      SCIM_EVENTS.delete,
      SCIM_EVENTS.activate,
      SCIM_EVENTS.deactivate,
    ]);
    expect(eventsOfFormat('full')).not.toContain(SCIM_EVENTS.createNotice);
  });

  it('maps states to SSF statuses', () => {
    expect([
      ssfStatus({ state: 'active' }),
      ssfStatus({ state: 'paused' }),
      ssfStatus({ state: 'expired' }),
    ]).toEqual(['enabled', 'paused', 'disabled']);
  });

  it('answers the status with the reason of a pause or expiry when there is one', () => {
    expect(streamStatus({ id: 's1', state: 'active' })).toEqual({ stream_id: 's1', status: 'enabled' });
    expect(streamStatus({ id: 's1', state: 'expired', stateReason: 'behind retention' })).toEqual({
      stream_id: 's1',
      status: 'disabled',
      reason: 'behind retention',
    });
  });

  it('counts push and poll subscriptions as streams, no other', () => {
    expect(isSsfStream({ delivery: { method: 'poll', format: 'full' } })).toBe(true);
    expect(isSsfStream({ delivery: { method: 'push', url: 'https://r.example/e', format: 'notice' } })).toBe(
      true,
    );
    expect(isSsfStream({ delivery: { method: 'webhook', url: 'https://h.example/e' } })).toBe(false);
    expect(isSsfStream({ delivery: { method: 'sse' } })).toBe(false);
  });

  it('describes push with the receiver URL and poll with our endpoint', () => {
    const push = streamConfiguration(
      { id: 's1', name: 'A', delivery: { method: 'push', url: 'https://r.example/e', format: 'full' } },
      'https://iss',
      'aud',
      'https://iss/sets/poll/s1',
    );
    expect(push).toMatchObject({ stream_id: 's1', iss: 'https://iss', aud: 'aud', description: 'A' });
    expect(push.delivery).toEqual({ method: 'urn:ietf:rfc:8935', endpoint_url: 'https://r.example/e' });
    const poll = streamConfiguration(
      { id: 's2', name: 'B', delivery: { method: 'poll', format: 'notice' } },
      'https://iss',
      'aud',
      'https://iss/sets/poll/s2',
    );
    expect(poll.delivery).toEqual({ method: 'urn:ietf:rfc:8936', endpoint_url: 'https://iss/sets/poll/s2' });
    expect(() =>
      streamConfiguration({ id: 'w', name: 'w', delivery: { method: 'sse' } }, 'https://iss', 'a', 'p'),
    ).toThrow();
  });
});

describe(verificationWait.name, () => {
  it('waits out min_verification_interval after the last request, rounding up', () => {
    const at = Date.parse('2026-01-01T00:00:00Z');
    expect(verificationWait(undefined, at)).toBe(0);
    expect(verificationWait('2026-01-01T00:00:00Z', at)).toBe(MIN_VERIFICATION_INTERVAL_SECONDS);
    expect(verificationWait('2026-01-01T00:00:00Z', at + 29_500)).toBe(1);
    expect(verificationWait('2026-01-01T00:00:00Z', at + MIN_VERIFICATION_INTERVAL_SECONDS * 1000)).toBe(0);
  });
});
