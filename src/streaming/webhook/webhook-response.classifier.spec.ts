import { classifyError, classifyResponse, parseRetryAfter } from './webhook-response.classifier';

describe('classifyResponse', () => {
  it.each([200, 201, 202, 204, 299])('acknowledges %i', (status) => {
    expect(classifyResponse(status, null)).toEqual({ kind: 'acknowledged', status });
  });

  it('pauses on 410 Gone', () => {
    expect(classifyResponse(410, null)).toEqual({
      kind: 'gone',
      status: 410,
      detail: 'the consumer answered 410 Gone',
    });
  });

  it.each([500, 502, 503, 504, 429, 408, 409, 425])('retries %i', (status) => {
    expect(classifyResponse(status, null)).toEqual({
      kind: 'retry',
      status,
      detail: `the consumer answered HTTP ${status}`,
    });
  });

  it.each([301, 302, 307, 308])('retries a redirect %i without following it', (status) => {
    expect(classifyResponse(status, null)).toMatchObject({
      kind: 'retry',
      detail: expect.stringContaining('redirects are not followed'),
    });
  });

  it.each([400, 401, 403, 404, 413, 422])('rejects %i', (status) => {
    expect(classifyResponse(status, null)).toEqual({
      kind: 'reject',
      status,
      detail: `the consumer answered HTTP ${status}`,
    });
  });

  it('passes Retry-After on', () => {
    expect(classifyResponse(503, '120')).toMatchObject({ kind: 'retry', retryAfterMs: 120_000 });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
  });

  it('counts a date in the past as no wait, and ignores what it cannot read', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('classifyError', () => {
  it('retries a timeout, saying so', () => {
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });

    expect(classifyError(timeout, 500)).toEqual({
      kind: 'retry',
      detail: 'no answer within 500 ms (timeout)',
    });
  });

  it('retries a refused connection, naming the cause', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

    expect(classifyError(refused, 500)).toEqual({ kind: 'retry', detail: 'connection failed: ECONNREFUSED' });
  });
});
