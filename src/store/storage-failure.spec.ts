import { ScimError } from '../scim/errors';
import {
  fileSystemFailure,
  guardStorage,
  STORAGE_RETRY_AFTER_SECONDS,
  StorageCondition,
  StorageUnavailableError,
} from './storage-failure';

const classify = (error: unknown) =>
  (error as { code?: string }).code === 'FULL' ? 'the disk is full (FULL)' : undefined;

class Adapter {
  #writes = 0;
  readonly name = 'adapter';

  async write(error?: Error): Promise<number> {
    if (error) throw error;
    return ++this.#writes;
  }

  writeSync(error?: Error): number {
    if (error) throw error;
    return ++this.#writes;
  }
}

const coded = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

function setup() {
  const logger = { error: jest.fn(), log: jest.fn() };
  const condition = new StorageCondition(logger);
  return { condition, logger, sut: guardStorage(new Adapter(), classify, condition) };
}

describe(guardStorage.name, () => {
  it('passes results through, runs methods on the adapter itself (private fields) and keeps other properties', async () => {
    const { sut } = setup();

    await expect(sut.write()).resolves.toBe(1);
    expect(sut.writeSync()).toBe(2);
    expect(sut.name).toBe('adapter');
    expect(sut).toBeInstanceOf(Adapter);
  });

  it('lets a spy replace a method (jest.spyOn sets it on the instance), still translating through it', async () => {
    const { sut } = setup();
    const spy = jest.spyOn(sut, 'write');

    await expect(sut.write(coded('FULL'))).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(sut.write).toBe(spy);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('turns a storage failure, rejected or thrown, into a 503 with Retry-After and sets the condition', async () => {
    const { sut, condition, logger } = setup();

    const rejected = await sut.write(coded('FULL')).catch((error: unknown) => error);
    let thrown: unknown;
    try {
      sut.writeSync(coded('FULL'));
    } catch (error) {
      thrown = error;
    }

    for (const error of [rejected, thrown]) {
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(error).toMatchObject({
        status: 503,
        headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
        detail: `Service unavailable: the store cannot write (the disk is full (FULL)); nothing was changed, retry after ${STORAGE_RETRY_AFTER_SECONDS} seconds`,
      });
      expect((error as StorageUnavailableError).cause).toMatchObject({ code: 'FULL' });
    }
    expect(condition.failure).toBe('the disk is full (FULL)');
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('recognises Node file-system errors whatever the adapter', async () => {
    const { sut, condition } = setup();

    await expect(sut.write(coded('EROFS'))).rejects.toMatchObject({ status: 503 });
    expect(condition.failure).toBe('the data files are read-only (EROFS)');
  });

  it('leaves other errors and ScimErrors unchanged, and the condition unset', async () => {
    const { sut, condition } = setup();
    const other = coded('SQLITE_CONSTRAINT');
    const conflict = ScimError.uniqueness('taken');

    await expect(sut.write(other)).rejects.toBe(other);
    await expect(sut.write(conflict)).rejects.toBe(conflict);
    expect(condition.failure).toBeUndefined();
  });
});

describe(StorageCondition.name, () => {
  it('keeps the first reason until it recovers, logging each change once', () => {
    const logger = { error: jest.fn(), log: jest.fn() };
    const sut = new StorageCondition(logger);

    sut.fail('first');
    sut.fail('second');
    expect(sut.failure).toBe('first');
    sut.recover();
    sut.recover();

    expect(sut.failure).toBeUndefined();
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.log).toHaveBeenCalledTimes(1);
  });
});

describe(fileSystemFailure.name, () => {
  it('names ENOSPC, EDQUOT, EROFS and EIO, and nothing else', () => {
    expect(
      ['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'ENOENT', 'EACCES'].map((c) => fileSystemFailure(coded(c))),
    ).toEqual([
      'the disk is full (ENOSPC)',
      'the disk is full (EDQUOT)',
      'the data files are read-only (EROFS)',
      'an I/O error on the data files (EIO)',
      undefined,
      undefined,
    ]);
    expect(fileSystemFailure(null)).toBeUndefined();
  });
});
