import { classifySetResponse, parseSetError } from './set-push.classifier';

const error = (err: string, description?: string) =>
  JSON.stringify({ err, ...(description ? { description } : {}) });

describe('classifySetResponse (RFC 8935 §2.2-2.4)', () => {
  it('202 acknowledges (and other 2xx: the receiver has the SET)', () => {
    expect(classifySetResponse(202, '', null)).toEqual({ kind: 'acknowledged', status: 202 });
    expect(classifySetResponse(200, '', null).kind).toBe('acknowledged');
  });

  it.each([
    ['invalid_request', 'reject'],
    ['access_denied', 'reject'],
    ['invalid_key', 'retry'],
    ['authentication_failed', 'retry'],
    ['invalid_issuer', 'gone'],
    ['invalid_audience', 'gone'],
    ['some_private_code', 'reject'],
  ])('400 %s → %s', (err, kind) => {
    const outcome = classifySetResponse(400, error(err, 'why'), null);
    expect(outcome).toMatchObject({
      kind,
      status: 400,
      detail: `the receiver refused the SET: ${err} (why)`,
    });
  });

  it("400 without an RFC 8935 body is this SET's problem", () => {
    expect(classifySetResponse(400, '<html>', null)).toMatchObject({
      kind: 'reject',
      detail: 'the receiver answered HTTP 400 without an RFC 8935 error',
    });
  });

  it('retries 401, 429 and 5xx, honouring Retry-After, and 3xx', () => {
    expect(classifySetResponse(401, '', null).kind).toBe('retry');
    expect(classifySetResponse(503, '', '7')).toMatchObject({ kind: 'retry', retryAfterMs: 7000 });
    expect(classifySetResponse(429, '', null).kind).toBe('retry');
    expect(classifySetResponse(302, '', null)).toMatchObject({
      kind: 'retry',
      detail: expect.stringContaining('redirect'),
    });
    expect(classifySetResponse(400, error('invalid_key'), '3')).toMatchObject({
      kind: 'retry',
      retryAfterMs: 3000,
    });
  });

  it('pauses on 403, 404 and 410; dead-letters other 4xx', () => {
    for (const status of [403, 404, 410]) expect(classifySetResponse(status, '', null).kind).toBe('gone');
    expect(classifySetResponse(413, '', null).kind).toBe('reject');
  });

  it('parses error bodies leniently', () => {
    expect(parseSetError(error('invalid_key'))).toEqual({ err: 'invalid_key' });
    expect(parseSetError('{"err": 3}')).toBeUndefined();
    expect(parseSetError('null')).toBeUndefined();
  });
});
