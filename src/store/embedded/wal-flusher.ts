import { closeSync, fdatasync, fstatSync, openSync } from 'node:fs';
import { sqliteStorageFailure } from './sqlite-storage-failure';
import { SqliteDatabase } from './sqlite.database';

/**
 * WAL size at which a flush is followed by a checkpoint into the main file (then the WAL starts over). Larger
 * than SQLite's default (1000 pages, about 4 MiB): a checkpoint blocks the event loop, and fewer of them copy
 * the hot index pages fewer times (docs/stores.md "Durability").
 */
export const WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024;

/**
 * The durability half of group commit (docs/stores.md "Durability"). The connection runs with
 * `synchronous=OFF` and `wal_autocheckpoint=0`: a commit appends its frames to the WAL with write() and returns,
 * without an fsync on the event loop. `flush()` then makes every frame written so far durable with one fdatasync
 * of the WAL file, on libuv's thread pool, so that the loop keeps serving requests meanwhile. This is what
 * synchronous=FULL does after each commit (https://sqlite.org/pragma.html#pragma_synchronous), once for many.
 *
 * Checkpoints copy WAL frames into the main file and then let the WAL be overwritten: done unsynced (what
 * synchronous=OFF would do in an automatic checkpoint) a power loss could lose frames that were durable. So they
 * are ours only, run under synchronous=FULL (WAL synced before, main file synced after, then truncated:
 * https://sqlite.org/wal.html#ckpt), after a flush once the WAL has grown past `checkpointBytes`.
 */
export class WalFlusher {
  private fd: number | undefined;
  private flushing = false;
  private closing = false;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly walPath: string,
    private readonly onCheckpointFailure: (reason: string) => void,
    private readonly checkpointBytes = WAL_CHECKPOINT_BYTES,
  ) {}

  /** One fdatasync of the WAL; rejects with an error the storage classifier maps to 503 (SQLITE_IOERR_FSYNC). */
  async flush(): Promise<void> {
    // Closing synced everything (see close()); the WAL may be gone already.
    if (this.closing) return;
    this.flushing = true;
    try {
      // Opened at the first flush: SQLite creates the WAL at the first write. Same inode for the file's life
      // (a TRUNCATE checkpoint empties it, it does not replace it).
      const fd = (this.fd ??= openSync(this.walPath, 'r'));
      await new Promise<void>((resolve, reject) =>
        fdatasync(fd, (error) => (error ? reject(fsyncFailure(error)) : resolve())),
      );
      if (!this.closing && fstatSync(fd).size >= this.checkpointBytes) this.checkpoint();
    } finally {
      this.flushing = false;
      if (this.closing) this.closeFile();
    }
  }

  /** Copies the WAL into the main file, both synced; a storage failure is reported and retried later. */
  checkpoint(): void {
    if (!this.db.open) return;
    this.db.pragma('synchronous = FULL');
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      const reason = sqliteStorageFailure(error);
      if (reason === undefined) throw error;
      this.onCheckpointFailure(reason);
    } finally {
      this.db.pragma('synchronous = OFF');
    }
  }

  /**
   * Before the connection closes: SQLite's own checkpoint at close then runs under FULL, so everything
   * committed is in the main file, synced. The WAL's descriptor closes once no fdatasync uses it.
   */
  close(): void {
    this.closing = true;
    if (this.db.open) this.db.pragma('synchronous = FULL');
    if (!this.flushing) this.closeFile();
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function fsyncFailure(error: NodeJS.ErrnoException): Error {
  return Object.assign(new Error(`fdatasync of the SQLite WAL failed: ${error.message}`), {
    code: 'SQLITE_IOERR_FSYNC',
    cause: error,
  });
}
