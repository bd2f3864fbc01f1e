import { MAX_POLL_EVENTS, parsePollRequest, PollRequestError } from './poll-request';

describe('parsePollRequest (RFC 8936 §2.1)', () => {
  it('defaults: long poll, no limit of ours beyond MAX_POLL_EVENTS, nothing acknowledged', () => {
    expect(parsePollRequest({})).toEqual({ returnImmediately: false, ack: [], setErrs: {} });
    expect(parsePollRequest(undefined)).toEqual({ returnImmediately: false, ack: [], setErrs: {} });
  });

  it('reads maxEvents (0 = acknowledge only, capped), returnImmediately, ack and setErrs', () => {
    expect(
      parsePollRequest({
        maxEvents: 0,
        returnImmediately: true,
        ack: ['a', 'b'],
        setErrs: {
          c: { err: 'invalid_audience', description: 'aud mismatch' },
          d: { err: 'invalid_request' },
        },
      }),
    ).toEqual({
      maxEvents: 0,
      returnImmediately: true,
      ack: ['a', 'b'],
      setErrs: { c: { err: 'invalid_audience', description: 'aud mismatch' }, d: { err: 'invalid_request' } },
    });
    expect(parsePollRequest({ maxEvents: 10 ** 9 }).maxEvents).toBe(MAX_POLL_EVENTS);
  });

  it.each([
    [[], 'JSON object'],
    [{ maxEvents: -1 }, 'maxEvents'],
    [{ maxEvents: 1.5 }, 'maxEvents'],
    [{ returnImmediately: 'yes' }, 'returnImmediately'],
    [{ ack: 'a' }, 'ack'],
    [{ ack: [1] }, 'ack'],
    [{ setErrs: [] }, 'setErrs'],
    [{ setErrs: { a: { description: 'x' } } }, 'setErrs["a"]'],
    [{ setErrs: { a: { err: 'x', description: 3 } } }, 'description'],
  ])('refuses %j naming %s', (body, name) => {
    expect(() => parsePollRequest(body)).toThrow(PollRequestError);
    expect(() => parsePollRequest(body)).toThrow(name);
  });
});
