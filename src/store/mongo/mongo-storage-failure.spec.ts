import { Error as MongooseError, mongo } from 'mongoose';
import { mongoStorageFailure } from './mongo-storage-failure';

const server = (code: number, codeName: string, errmsg = codeName) =>
  new mongo.MongoServerError({ message: errmsg, errmsg, code, codeName });

/** Constructed driver errors, as the driver builds them from a server reply or a failed connection. */
describe(mongoStorageFailure.name, () => {
  it('names a server out of disk space', () => {
    expect(mongoStorageFailure(server(14031, 'OutOfDiskSpace'))).toBe('MongoDB is out of disk space (14031)');
    expect(mongoStorageFailure(server(1, 'InternalError', 'WiredTiger error: No space left on device'))).toBe(
      'MongoDB is out of disk space (1)',
    );
  });

  it('names a replica set without a writable primary', () => {
    for (const [code, name] of [
      [10107, 'NotWritablePrimary'],
      [13435, 'NotPrimaryNoSecondaryOk'],
      [189, 'PrimarySteppedDown'],
      [11602, 'InterruptedDueToReplStateChange'],
      [91, 'ShutdownInProgress'],
    ] as const) {
      expect(mongoStorageFailure(server(code, name))).toBe(`MongoDB has no writable primary (${name})`);
    }
  });

  it('names a failed write concern', () => {
    const error = new mongo.MongoWriteConcernError({
      ok: 1,
      writeConcernError: {
        errmsg: 'waiting for replication timed out',
        code: 64,
        codeName: 'WriteConcernFailed',
      },
    } as never);

    expect(mongoStorageFailure(error)).toBe('MongoDB could not confirm the write (write concern failed)');
  });

  it('names an unreachable server', () => {
    expect(mongoStorageFailure(new mongo.MongoNetworkError('connection reset'))).toBe(
      'MongoDB is unreachable (MongoNetworkError)',
    );
    expect(mongoStorageFailure(new mongo.MongoNotConnectedError('not connected'))).toBe(
      'MongoDB is unreachable (MongoNotConnectedError)',
    );
  });

  it("names mongoose's errors for a connection that is not there", () => {
    expect(
      mongoStorageFailure(
        new MongooseError('Operation `scimresources.findOne()` buffering timed out after 10000ms'),
      ),
    ).toBe('MongoDB is unreachable (not connected)');
    expect(mongoStorageFailure(new MongooseError('Cast to ObjectId failed'))).toBeUndefined();
  });

  it('leaves duplicate keys, conflicts and non-driver errors alone', () => {
    expect(mongoStorageFailure(server(11000, 'DuplicateKey'))).toBeUndefined();
    expect(mongoStorageFailure(server(112, 'WriteConflict'))).toBeUndefined();
    expect(mongoStorageFailure(Object.assign(new Error('x'), { code: 14031 }))).toBeUndefined();
  });
});
