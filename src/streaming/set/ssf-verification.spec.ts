import {
  newVerificationJti,
  SSF_STREAM_UPDATED_EVENT,
  SSF_VERIFICATION_EVENT,
  streamUpdatedClaims,
  verificationClaims,
} from './ssf-verification';

describe('SSF verification SET', () => {
  it('has the stream as subject and carries the state; never sub or exp', () => {
    const claims = verificationClaims(
      's1',
      'https://iss',
      'aud',
      'j1',
      'abc',
      new Date('2026-01-01T00:00:01Z'),
    );
    expect(claims).toEqual({
      iss: 'https://iss',
      aud: 'aud',
      iat: Date.parse('2026-01-01T00:00:01Z') / 1000,
      jti: 'j1',
      sub_id: { format: 'opaque', id: 's1' },
      events: { [SSF_VERIFICATION_EVENT]: { state: 'abc' } },
    });
    expect(verificationClaims('s1', 'i', 'a', 'j', undefined).events).toEqual({
      [SSF_VERIFICATION_EVENT]: {},
    });
  });

  it('gets a fresh jti each time', () => {
    expect(newVerificationJti()).toMatch(/^[0-9a-f]{32}$/);
    expect(newVerificationJti()).not.toBe(newVerificationJti());
  });
});

describe(streamUpdatedClaims.name, () => {
  it('names the stream as subject and carries the status and reason (SSF §8.1.5)', () => {
    const claims = streamUpdatedClaims('s1', 'https://iss', 'aud', {
      jti: 'j1',
      status: 'paused',
      reason: 'receiver answered 410',
      at: '2026-01-01T00:00:10Z',
    });
    expect(claims).toEqual({
      iss: 'https://iss',
      aud: 'aud',
      iat: Date.parse('2026-01-01T00:00:10Z') / 1000,
      jti: 'j1',
      sub_id: { format: 'opaque', id: 's1' },
      events: { [SSF_STREAM_UPDATED_EVENT]: { status: 'paused', reason: 'receiver answered 410' } },
    });
    expect(claims).not.toHaveProperty('sub');
    expect(claims).not.toHaveProperty('exp');
  });
});
