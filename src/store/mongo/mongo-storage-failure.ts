import { Error as MongooseError, mongo } from 'mongoose';

/** MongoDB server error codes (error_codes.yml) that mean "this write cannot be done here now". */
const OUT_OF_DISK_SPACE = 14031;
const NO_WRITABLE_PRIMARY = new Set([
  10107, // NotWritablePrimary
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  189, // PrimarySteppedDown
  11602, // InterruptedDueToReplStateChange
  91, // ShutdownInProgress
  11600, // InterruptedAtShutdown
]);
const WRITE_CONCERN_FAILED = 64;

function serverCode(error: unknown): number | undefined {
  if (error instanceof mongo.MongoWriteConcernError) return WRITE_CONCERN_FAILED;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The MongoDB driver's errors for a store that cannot write: out of disk space, no writable primary (election,
 * shutdown), an unconfirmed write concern, or no server reachable at all. Duplicate keys, validation and
 * transaction conflicts are not storage failures and pass unchanged.
 */
export function mongoStorageFailure(error: unknown): string | undefined {
  // mongoose's own: no server to select, or an operation queued while disconnected that timed out.
  if (error instanceof MongooseError.MongooseServerSelectionError)
    return `MongoDB is unreachable (${error.name})`;
  if (error instanceof MongooseError && /buffering timed out/.test(error.message)) {
    return 'MongoDB is unreachable (not connected)';
  }
  if (!(error instanceof mongo.MongoError)) return undefined;
  if (
    error instanceof mongo.MongoNetworkError ||
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoNotConnectedError ||
    error instanceof mongo.MongoTopologyClosedError
  ) {
    return `MongoDB is unreachable (${error.name})`;
  }
  const code = serverCode(error);
  if (code === OUT_OF_DISK_SPACE || /no space left on device/i.test(error.message)) {
    return `MongoDB is out of disk space (${code ?? 'ENOSPC'})`;
  }
  if (code !== undefined && NO_WRITABLE_PRIMARY.has(code)) {
    return `MongoDB has no writable primary (${(error as { codeName?: string }).codeName ?? code})`;
  }
  if (code === WRITE_CONCERN_FAILED) return 'MongoDB could not confirm the write (write concern failed)';
  return undefined;
}
