import pino from 'pino';
import { isoTime, loggerOptions, logsAt, requestLine, type RequestLine } from './request-logging';

/** What pino writes for `child({requestId}).info(line, 'request')` with our logger options. */
function pinoLine(requestId: string, line: RequestLine): string {
  const written: string[] = [];
  const sink = { write: (chunk: string) => written.push(chunk) };
  const options = loggerOptions('info', sink) as pino.LoggerOptions;
  pino(options, sink).child({ requestId }).info(line, 'request');
  return written.join('');
}

/** Both lines with their time field made equal (they are formatted a moment apart). */
function sameTime(a: string, b: string): [string, string] {
  const time = /"time":"[^"]*"/;
  return [a.replace(time, '"time":"T"'), b.replace(time, '"time":"T"')];
}

describe('requestLine', () => {
  const cases: [string, RequestLine][] = [
    ['plain', { method: 'GET', route: '/scim/v2/Users/:id', status: 200, durationMs: 1.23 }],
    ['quotes and backslashes', { method: 'PATCH', route: '/a"b\\c', status: 204, durationMs: 0 }],
    ['control characters', { method: 'POST', route: '/x\n\u0001', status: 201, durationMs: 12 }],
    ['non-ASCII', { method: 'DELETE', route: '/été/\u2028', status: 404, durationMs: 1000.5 }],
  ];
  it.each(cases)('is byte for byte what pino writes (%s)', (_name, line) => {
    for (const requestId of ['req-1', 'a"b\\c', 'ü\u0000', '']) {
      const [ours, theirs] = sameTime(requestLine(requestId, line), pinoLine(requestId, line));
      expect(ours).toBe(theirs);
    }
  });

  it('is one JSON line with the current time', () => {
    const before = Date.now();
    const text = requestLine('r', { method: 'GET', route: '/', status: 200, durationMs: 2 });
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('\n')).toBe(text.length - 1);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Date.parse(String(parsed.time))).toBeGreaterThanOrEqual(before);
    expect(Date.parse(String(parsed.time))).toBeLessThanOrEqual(Date.now());
  });
});

describe('isoTime', () => {
  afterEach(() => jest.useRealTimers());

  it('follows the clock to the millisecond', () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-02T03:04:05.006Z') });
    expect(isoTime()).toBe('2026-01-02T03:04:05.006Z');
    jest.advanceTimersByTime(1);
    expect(isoTime()).toBe('2026-01-02T03:04:05.007Z');
    jest.setSystemTime(Date.parse('2027-01-01T00:00:00.000Z'));
    expect(isoTime()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('logsAt', () => {
  it('orders the levels from fatal to trace', () => {
    expect(logsAt('info', 'info')).toBe(true);
    expect(logsAt('debug', 'info')).toBe(true);
    expect(logsAt('warn', 'info')).toBe(false);
    expect(logsAt('fatal', 'error')).toBe(false);
    expect(logsAt('trace', 'fatal')).toBe(true);
  });
});
