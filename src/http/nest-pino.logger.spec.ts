import type { FastifyBaseLogger } from 'fastify';
import { NestPinoLogger } from './nest-pino.logger';

function fakePino(): FastifyBaseLogger & { calls: Array<[string, unknown, unknown]> } {
  const calls: Array<[string, unknown, unknown]> = [];
  const logger: Record<string, unknown> = { calls };
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace']) {
    logger[level] = (fields: unknown, message?: unknown) => calls.push([level, fields, message]);
  }
  return logger as unknown as FastifyBaseLogger & { calls: Array<[string, unknown, unknown]> };
}

describe(NestPinoLogger.name, () => {
  it('logs a message with its context', () => {
    const pino = fakePino();
    const sut = new NestPinoLogger(pino);

    sut.log('Created tenant', 'Auth');

    expect(pino.calls).toEqual([['info', { context: 'Auth' }, 'Created tenant']]);
  });

  it('keeps the stack of an error message', () => {
    const pino = fakePino();
    const sut = new NestPinoLogger(pino);

    sut.error('failed', 'Error: x\n    at y', 'Store');

    expect(pino.calls).toEqual([['error', { context: 'Store', stack: 'Error: x\n    at y' }, 'failed']]);
  });

  it('logs an Error object as err', () => {
    const pino = fakePino();
    const error = new Error('boom');

    new NestPinoLogger(pino).error(error, undefined, 'ExceptionHandler');

    expect(pino.calls).toEqual([['error', { context: 'ExceptionHandler', err: error }, 'boom']]);
  });

  it('demotes Nest start-up chatter to debug', () => {
    const pino = fakePino();

    new NestPinoLogger(pino).log('Mapped {/x, GET} route', 'RouterExplorer');

    expect(pino.calls[0][0]).toBe('debug');
  });
});
