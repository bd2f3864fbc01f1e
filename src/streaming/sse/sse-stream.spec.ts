import { Writable } from 'node:stream';
import type { JournalEntry, JournalRepository } from '../../store/ports';
import { JournalNotifier } from '../journal-notifier';
import type { SubscriptionRecord } from '../subscription';
import type { SsePositionRecorder } from './sse-position';
import { SseStream } from './sse-stream';

function entry(seq: number, resourceType = 'User'): JournalEntry {
  return {
    tenantId: 't',
    seq,
    time: '2026-01-01T00:00:00.000Z',
    actor: { credentialId: 'c', label: 'l' },
    operation: 'create',
    resourceType,
    resourceId: `r${seq}`,
    changedAttributes: [],
  };
}

class Journal {
  constructor(public entries: JournalEntry[]) {}
  async read(_tenant: string, since: number, limit: number) {
    return this.entries.filter((e) => e.seq > since).slice(0, limit);
  }
}

/** A socket whose buffer fills after `capacity` bytes until drained by hand. */
class SlowSocket extends Writable {
  readonly chunks: string[] = [];
  private release: (() => void) | undefined;
  constructor() {
    super({ highWaterMark: 64, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: string, callback: () => void) {
    this.chunks.push(chunk);
    this.release = callback;
  }
  drainOne() {
    const release = this.release;
    this.release = undefined;
    release?.();
  }
}

const positions: number[] = [];
const position = {
  advance: async (seq: number) => void positions.push(seq),
  stillStreaming: () => true,
} as unknown as SsePositionRecorder;

function subscription(overrides: Partial<SubscriptionRecord> = {}) {
  return { tenantId: 't', ...overrides } as SubscriptionRecord;
}

describe(SseStream.name, () => {
  it('sends a gap for pruned seqs, skips filtered events, tails a commit and ends cleanly', async () => {
    const journal = new Journal([entry(5), entry(6, 'Group'), entry(7)]);
    const notifier = new JournalNotifier();
    const out = new Writable({ write: (chunk, _e, cb) => (frames.push(String(chunk)), cb()) });
    const frames: string[] = [];
    const sut = new SseStream(out, {
      subscription: subscription({ resourceTypes: ['User'] }),
      since: 2,
      journal: journal as unknown as JournalRepository,
      notifier,
      position,
      heartbeatMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 50));
    journal.entries.push(entry(8));
    notifier.committed('t', 8);
    await new Promise((r) => setTimeout(r, 50));
    await sut.end();
    const text = frames.join('');
    expect(text.match(/^(id|event): .*$/gm)).toEqual([
      'event: gap',
      'id: 5',
      'event: user.created',
      'id: 7',
      'event: user.created',
      'id: 8',
      'event: user.created',
    ]);
    expect(text).toContain('"fromSeq":3,"toSeq":4');
    expect(positions.at(-1)).toBe(8);
    expect(out.writableEnded).toBe(true);
  });

  it('writes the frames of what one read found in one write, not one write per event', async () => {
    const journal = new Journal([entry(1), entry(2), entry(3)]);
    const notifier = new JournalNotifier();
    const writes: string[] = [];
    const out = new Writable({ write: (chunk, _e, cb) => (writes.push(String(chunk)), cb()) });
    const sut = new SseStream(out, {
      subscription: subscription(),
      since: 0,
      journal: journal as unknown as JournalRepository,
      notifier,
      position,
      heartbeatMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 50));
    // A burst of commits found by one wake-up.
    journal.entries.push(entry(4), entry(5));
    notifier.committed('t', 4);
    notifier.committed('t', 5);
    await new Promise((r) => setTimeout(r, 50));
    await sut.end();

    const events = writes.map((w) => (w.match(/^id: \d+$/gm) ?? []).join(','));
    expect(events.filter((ids) => ids !== '')).toEqual(['id: 1,id: 2,id: 3', 'id: 4,id: 5']);
  });

  it('stops reading while the socket does not drain (a slow reader holds no more than a page)', async () => {
    const journal = new Journal(Array.from({ length: 50 }, (_, i) => entry(i + 1)));
    const out = new SlowSocket();
    const sut = new SseStream(out, {
      subscription: subscription(),
      since: 0,
      journal: journal as unknown as JournalRepository,
      notifier: new JournalNotifier(),
      position,
      heartbeatMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 50));
    const buffered = out.writableLength;
    expect(out.chunks.length).toBeLessThanOrEqual(2);
    expect(buffered).toBeLessThan(2000);
    out.drainOne();
    await new Promise((r) => setTimeout(r, 20));
    expect(out.chunks.length).toBeGreaterThan(1);
    out.destroy();
    await sut.finished();
  });
});
