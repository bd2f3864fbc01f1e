import type { Writable } from 'node:stream';
import { JournalRepository } from '../../store/ports';
import type { JournalNotifier } from '../journal-notifier';
import { toStreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { wantsEntry } from '../subscription-filter';
import { eventFrame, gapFrame, HEARTBEAT_FRAME, RETRY_FRAME } from './sse-frame';
import type { SsePositionRecorder } from './sse-position';

/** Journal entries read per page: large enough to drain a backlog fast, small enough to bound memory. */
export const SSE_PAGE_SIZE = 500;
/** Other replicas' commits do not reach this process's notifier: poll the journal this often while idle. */
export const SSE_POLL_INTERVAL_MS = 1000;

export interface SseStreamOptions {
  subscription: SubscriptionRecord;
  /** Events with seq > since are sent. */
  since: number;
  journal: JournalRepository;
  notifier: JournalNotifier;
  position: SsePositionRecorder;
  heartbeatMs: number;
}

/**
 * One SSE connection: reads the tenant's journal in pages from `since`, writes the subscription's events in seq
 * order, then tails the journal (woken by this process's commits, polling for the others'). The frames of what
 * one read found go out in one write (up to the socket's highWaterMark each), not one write per event: under
 * load a wake-up finds several commits. A slow reader holds the loop at write() → false until 'drain': at most
 * one page is in memory per connection.
 */
export class SseStream {
  private closed = false;
  private wake: (() => void) | undefined;
  private commitsSeen = 0;
  private cursor: number;
  private readonly done: Promise<void>;

  constructor(
    private readonly out: Writable,
    private readonly options: SseStreamOptions,
  ) {
    this.cursor = options.since;
    out.once('close', () => this.stop());
    out.on('error', () => this.stop());
    this.done = this.run();
  }

  /** Resolves once the stream has ended (closed by the client, by end(), or because the subscription went). */
  finished(): Promise<void> {
    return this.done;
  }

  /** Ends the stream (shutdown): the client reconnects, to another replica, with Last-Event-ID. */
  end(): Promise<void> {
    this.stop();
    return this.done;
  }

  private stop(): void {
    this.closed = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { notifier, subscription, heartbeatMs } = this.options;
    const unsubscribe = notifier.onCommit(subscription.tenantId, (lastSeq) => {
      if (lastSeq <= this.cursor) return;
      this.commitsSeen++;
      this.wake?.();
    });
    const heartbeat = setInterval(() => {
      if (!this.closed && !this.out.writableNeedDrain) this.out.write(HEARTBEAT_FRAME);
    }, heartbeatMs);
    try {
      await this.write(RETRY_FRAME);
      while (!this.closed && this.options.position.stillStreaming()) {
        const seen = this.commitsSeen;
        const sent = await this.sendPage();
        if (sent === 0 && seen === this.commitsSeen) await this.idle();
      }
    } catch {
      // A journal read failed (store down): end the stream; the client reconnects and resumes.
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
      await this.options.position.advance(this.cursor, true);
      if (!this.out.writableEnded) this.out.end();
    }
  }

  /**
   * Sends the next page; returns how many journal entries it consumed (sent or filtered out). Its frames are
   * joined into writes of about the socket's highWaterMark; the cursor passes an entry only once its frame was
   * handed to the socket.
   */
  private async sendPage(): Promise<number> {
    const { journal, subscription, position } = this.options;
    const entries = await journal.read(subscription.tenantId, this.cursor, SSE_PAGE_SIZE);
    // Seqs have no gaps: a first seq above cursor + 1 means retention pruned the ones in between.
    const gap = entries.length > 0 && entries[0].seq > this.cursor + 1;
    let frames = gap ? gapFrame(this.cursor + 1, entries[0].seq - 1) : '';
    let upTo = this.cursor;
    const chunk = this.out.writableHighWaterMark;
    for (const entry of entries) {
      if (wantsEntry(subscription, entry)) frames += eventFrame(toStreamEvent(entry));
      upTo = entry.seq;
      if (frames.length < chunk) continue;
      if (!(await this.write(frames))) break;
      this.cursor = upTo;
      frames = '';
    }
    if (await this.write(frames)) this.cursor = upTo;
    void position.advance(this.cursor);
    return entries.length;
  }

  /** Waits for a commit of this process, the poll interval, or the end of the stream. */
  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.closed) return resolve();
      const timer = setTimeout(finish, SSE_POLL_INTERVAL_MS);
      const wake = () => finish();
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = wake;
    }).finally(() => {
      this.wake = undefined;
    });
  }

  /**
   * Writes frames (nothing for ''); when the socket's buffer is full, waits for 'drain' (or the end) before
   * going on. False when the stream was closed before: nothing was written.
   */
  private async write(frames: string): Promise<boolean> {
    if (this.closed) return false;
    if (frames === '' || this.out.write(frames)) return true;
    await new Promise<void>((resolve) => {
      const finish = () => {
        this.out.off('drain', finish);
        this.wake = undefined;
        resolve();
      };
      this.out.once('drain', finish);
      this.wake = finish;
    });
    return true;
  }
}
