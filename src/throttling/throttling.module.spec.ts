import { Logger } from '@nestjs/common';
import { throttledErrorLog } from './throttling.module';

describe(throttledErrorLog.name, () => {
  it('logs the first error at once and then one line per 30 s with the count in between', () => {
    const logger = { error: jest.fn() } as unknown as Logger & { error: jest.Mock };
    const time = { now: 0 };
    const sut = throttledErrorLog(logger, 'Redis down', () => time.now);

    sut(new Error('ECONNREFUSED'));
    time.now = 1000;
    sut(new Error('ECONNREFUSED'));
    sut(new Error('ECONNREFUSED'));
    time.now = 30_000;
    sut(new Error('timeout'));

    expect(logger.error.mock.calls).toEqual([
      ['Redis down: ECONNREFUSED'],
      ['Redis down: timeout (2 more since the last report)'],
    ]);
  });
});
