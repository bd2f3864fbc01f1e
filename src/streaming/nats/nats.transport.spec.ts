import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { createConnection } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config/load-config';
import type { JournalEntry } from '../../store/ports';
import { toStreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { NatsTransport } from './nats.transport';

/** The machine's JetStream-enabled NATS (issue "Streaming"); the suite says SKIPPED when it is not there. */
const NATS_URL = 'nats://127.0.0.1:4222';

function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 4222 });
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

function subscription(delivery: SubscriptionRecord['delivery'] = { method: 'nats' }): SubscriptionRecord {
  return {
    id: 'sub-1',
    tenantId: 'contoso',
    name: 'nats',
    delivery,
    state: 'active',
    position: 0,
    maxRetryHours: 72,
    secrets: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    attempts: 0,
    deadLettered: 0,
    rev: 1,
  };
}

function event(seq: number, resourceType = 'User') {
  const entry: JournalEntry = {
    tenantId: 'contoso',
    seq,
    time: new Date().toISOString(),
    actor: { credentialId: 'c1', label: 'Entra' },
    operation: seq === 1 ? 'create' : 'replace',
    resourceType,
    resourceId: `u${seq}`,
    changedAttributes: ['active'],
  };
  return toStreamEvent(entry);
}

const signal = new AbortController().signal;

describe(NatsTransport.name, () => {
  it('is not configured without NATS_URL and then asks for a retry', async () => {
    const sut = new NatsTransport(loadConfig({}, { natsUrl: undefined }));
    expect(sut.isConfigured()).toBe(false);
    expect(await sut.deliver(subscription(), [event(1)], signal)).toEqual({
      kind: 'retry',
      detail: 'NATS_URL is not set',
    });
  });

  it('classifies an unreachable server as retry', async () => {
    // A port nobody listens on (the discard port on loopback).
    const sut = new NatsTransport(loadConfig({}, { natsUrl: 'nats://127.0.0.1:9' }), 1000);
    const outcome = await sut.deliver(subscription(), [event(1)], signal);
    expect(outcome.kind).toBe('retry');
    await sut.onApplicationShutdown();
  });

  it('publishes a delivery pipelined, in order, and does not acknowledge it when a PubAck in the middle fails', async () => {
    const sut = new NatsTransport(loadConfig({}, { natsUrl: NATS_URL, natsSubjectPrefix: 'scim' }));
    const published: string[] = [];
    const acks: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    const js = {
      publish: (_subject: string, _data: string, options: { msgID: string }) => {
        published.push(options.msgID);
        return new Promise<void>((resolve, reject) => acks.push({ resolve, reject }));
      },
    };
    // The connection as opened (private): a JetStream client whose PubAcks the test answers.
    (sut as unknown as { connecting: Promise<unknown> }).connecting = Promise.resolve({
      nc: { drain: async () => undefined },
      js,
      streamSubjects: ['scim.>'],
    });
    const delivering = sut.deliver(subscription(), [event(1), event(2), event(3)], signal);
    while (acks.length < 3) await new Promise((resolve) => setImmediate(resolve));

    // All three went out before any PubAck came back; the second's times out, the others are stored.
    expect(published).toEqual(['contoso:1', 'contoso:2', 'contoso:3']);
    acks[0].resolve();
    acks[1].reject(new Error('TIMEOUT'));
    acks[2].resolve();

    // Not acknowledged: the deliverer keeps the position before the delivery (at least once) and retries it
    // whole; JetStream drops the events stored already as duplicates (same Nats-Msg-Id).
    expect(await delivering).toEqual({
      kind: 'retry',
      detail: 'NATS publish of contoso:2 failed: TIMEOUT',
    });
  });
});

let natsUp = false;
beforeAll(async () => {
  natsUp = await reachable();
  if (!natsUp)
    console.warn(`NATS is not reachable at ${NATS_URL}: the JetStream suite of NatsTransport is SKIPPED`);
});

describe(`${NatsTransport.name} on the real JetStream (SKIPPED when ${NATS_URL} is unreachable)`, () => {
  const stream = `SCIM_TEST_${randomUUID().replace(/-/g, '')}`;
  const prefix = `t${randomUUID().replace(/-/g, '')}`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let sut: NatsTransport;

  beforeAll(async () => {
    if (!(await reachable())) return;
    nc = await connect({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
    // A stream and a subject prefix of this run's own, created by the transport: NATS refuses two streams on
    // overlapping subjects, so suites and deployments sharing one NATS each need their own prefix.
    sut = new NatsTransport(
      loadConfig({}, { natsUrl: NATS_URL, natsStream: stream, natsSubjectPrefix: prefix }),
    );
  });

  afterAll(async () => {
    if (!nc) return;
    await sut.onApplicationShutdown();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  /** Every message of the stream, in stream order, through a durable pull consumer. */
  async function consumeAll(expected: number) {
    const name = `c${randomUUID().replace(/-/g, '')}`;
    await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit });
    const consumer = await (await import('@nats-io/jetstream')).jetstream(nc).consumers.get(stream, name);
    const received: { subject: string; msgId?: string; body: Record<string, unknown> }[] = [];
    const batch = await consumer.fetch({ max_messages: expected + 5, expires: 1500 });
    for await (const message of batch) {
      received.push({
        subject: message.subject,
        msgId: message.headers?.get('Nats-Msg-Id'),
        body: message.json(),
      });
      message.ack();
    }
    return received;
  }

  it('creates the stream, publishes in order to scim.<tenant>.<type>.<event>, and dedupes a retried event', async () => {
    if (!natsUp) return console.warn('SKIPPED: NATS not reachable');
    // A subscription subject of its own (still under the stream's <prefix>.>).
    const own = subscription({ method: 'nats', subject: `${prefix}.${stream}` });
    const events = [event(1), event(2), event(3, 'Group')];
    const first = await sut.deliver(subscription(), events.slice(0, 2), signal);
    expect(first).toEqual({ kind: 'acknowledged' });
    // The retry of event 2 (same id) and the next event: event 2 is stored once.
    expect(await sut.deliver(subscription(), events.slice(1), signal)).toEqual({ kind: 'acknowledged' });
    expect(await sut.deliver(own, [event(4)], signal)).toEqual({ kind: 'acknowledged' });

    const received = await consumeAll(4);
    expect(received.map((m) => [m.subject, m.msgId, m.body.seq])).toEqual([
      [`${prefix}.contoso.User.user.created`, 'contoso:1', 1],
      [`${prefix}.contoso.User.user.updated`, 'contoso:2', 2],
      [`${prefix}.contoso.Group.group.updated`, 'contoso:3', 3],
      [`${prefix}.${stream}`, 'contoso:4', 4],
    ]);
    expect(received[0].body).toEqual(JSON.parse(JSON.stringify(events[0])));
  });

  it('publishes a delivery of many events in windows, stored in seq order, once each after a retry', async () => {
    if (!natsUp) return console.warn('SKIPPED: NATS not reachable');
    const many = Array.from({ length: 250 }, (_, i) => event(100 + i));
    // A first attempt that got part of the way (its first 90 events stored), then the whole delivery again.
    expect(await sut.deliver(subscription(), many.slice(0, 90), signal)).toEqual({ kind: 'acknowledged' });
    expect(await sut.deliver(subscription(), many, signal)).toEqual({ kind: 'acknowledged' });

    const seqs = (await consumeAll(260)).map((m) => m.body.seq as number).filter((seq) => seq >= 100);
    expect(seqs).toEqual(many.map((e) => e.seq));
  });

  it('rejects a subscription subject outside the stream', async () => {
    if (!natsUp) return console.warn('SKIPPED: NATS not reachable');
    const outcome = await sut.deliver(
      subscription({ method: 'nats', subject: 'elsewhere.x' }),
      [event(5)],
      signal,
    );
    expect(outcome).toEqual({ kind: 'reject', detail: expect.stringContaining('is not in stream') });
  });

  it('rejects an invalid subject', async () => {
    if (!natsUp) return console.warn('SKIPPED: NATS not reachable');
    const outcome = await sut.deliver(
      subscription({ method: 'nats', subject: `${prefix}.*` }),
      [event(5)],
      signal,
    );
    expect(outcome).toEqual({ kind: 'reject', detail: `Invalid NATS subject ${prefix}.*` });
  });
});
