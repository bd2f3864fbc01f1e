/**
 * The consumers of bench/streaming.ts, in a process of their own (as the apps that consume the change stream
 * are): an SSE client (`eventsource`), a JetStream consumer and a webhook receiver. Kept apart from the load
 * generator so that parsing events does not slow the writes being measured. Driven over IPC by the bench:
 * `open` a consumer of a subscription, `close` it; it reports what each consumer received every 50 ms.
 */
import { EventSource } from 'eventsource';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { jetstream, DeliverPolicy } from '@nats-io/jetstream';

export type Method = 'sse' | 'nats' | 'webhook';

export type ConsumerCommand =
  | {
      cmd: 'open';
      key: string;
      method: Method;
      url?: string;
      token?: string;
      natsUrl?: string;
      stream?: string;
      /** The stream sequence the JetStream consumer starts at: taken before the subscription was created. */
      natsStartSeq?: number;
    }
  | { cmd: 'close'; key: string };

export type ConsumerReport =
  | { kind: 'ready'; hookUrl: string }
  | { kind: 'opened' | 'closed'; key: string }
  | {
      kind: 'received';
      key: string;
      /** Events since the last report, and their commit-to-receipt latencies (ms) when `latencies` was asked. */
      count: number;
      latencies: number[];
    };

interface Tally {
  count: number;
  latencies: number[];
}

const tallies = new Map<string, Tally>();
const closers = new Map<string, () => Promise<void>>();
let webhookKey: string | undefined;

function send(report: ConsumerReport): void {
  process.send?.(report);
}

function received(key: string, event: { time: string }): void {
  const tally = tallies.get(key);
  if (!tally) return;
  tally.count++;
  tally.latencies.push(Date.now() - Date.parse(event.time));
}

async function open(command: Extract<ConsumerCommand, { cmd: 'open' }>): Promise<void> {
  const { key } = command;
  tallies.set(key, { count: 0, latencies: [] });
  if (command.method === 'sse') {
    const source = new EventSource(command.url!, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init?.headers, Authorization: `Bearer ${command.token}` } }),
    });
    for (const type of ['user.created', 'user.updated', 'user.deleted'])
      source.addEventListener(type, (m) => received(key, JSON.parse(m.data) as { time: string }));
    closers.set(key, async () => source.close());
  } else if (command.method === 'nats') {
    const nc = await connect({ servers: command.natsUrl });
    // From a sequence, not DeliverPolicy.New: the server starts publishing as soon as the subscription exists,
    // before this consumer does, and "new" would miss those first events.
    const consumer = await jetstream(nc).consumers.get(command.stream!, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: command.natsStartSeq!,
    });
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) received(key, m.json<{ time: string }>());
    })();
    closers.set(key, async () => void (await nc.close()));
  } else {
    webhookKey = key;
    closers.set(key, async () => void (webhookKey = undefined));
  }
  send({ kind: 'opened', key });
}

/** Loopback receiver: batches arrive as {"events": […]}; answers 204. */
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events?: { time: string }[] };
    if (webhookKey !== undefined)
      for (const e of body.events ?? [body as { time: string }]) received(webhookKey, e);
    res.writeHead(204).end();
  });
});

process.on('message', (command: ConsumerCommand) => {
  if (command.cmd === 'open') {
    void open(command);
    return;
  }
  const close = closers.get(command.key);
  closers.delete(command.key);
  void (close?.() ?? Promise.resolve()).then(() => {
    flush();
    tallies.delete(command.key);
    send({ kind: 'closed', key: command.key });
  });
});

function flush(): void {
  for (const [key, tally] of tallies) {
    if (tally.count === 0) continue;
    send({ kind: 'received', key, count: tally.count, latencies: tally.latencies });
    tallies.set(key, { count: 0, latencies: [] });
  }
}

setInterval(flush, 50);
// The bench ending (or dying) ends this process too.
process.on('disconnect', () => process.exit(0));
receiver.listen(0, '127.0.0.1', () =>
  send({ kind: 'ready', hookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }),
);
