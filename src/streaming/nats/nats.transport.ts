import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { jetstream, JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import { InvalidArgumentError, InvalidSubjectError } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { AppConfig } from '../../config/app-config';
import { DeliveryOutcome, PushTransport } from '../delivery/push-transport';
import { StreamEvent, streamEventJson } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { defaultSubject, isPublishableSubject, subjectMatches } from './nats-subject';

/** Subjects of the stream when the server creates it. */
/** How long one publish waits for its PubAck before the attempt counts as a timeout (retry). */
export const NATS_PUBLISH_TIMEOUT_MS = 5000;

/**
 * Publishes of one delivery in flight at once. NATS keeps the order of one connection's messages, so the stream
 * stores them in seq order; each waits for its own PubAck. The delivery is acknowledged only when every PubAck
 * came; after a failure the whole delivery is retried, and what was stored already is dropped by JetStream as a
 * duplicate (same Nats-Msg-Id). The one cost (docs/streaming.md, NATS): when a publish fails while later ones of
 * its window succeed, the retry stores the failed event after them.
 */
export const NATS_PUBLISH_WINDOW = 256;

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
  /** The subjects of the stream (as found or created), to refuse a subscription subject it would never store. */
  streamSubjects: string[];
}

/**
 * Publishes events to NATS JetStream (NATS_URL): one connection per process, opened at the first delivery and
 * reconnecting by itself; the stream NATS_STREAM is created with subjects `<NATS_SUBJECT_PREFIX>.>` if absent. Each
 * event goes to `<prefix>.<tenant>.<resourceType>.<type>` (or the subscription's subject) with Nats-Msg-Id = the event id,
 * so a retried publish inside the stream's duplicate window is stored once. The PubAck is the acknowledgement.
 * NATS being down never fails readiness: deliveries just retry.
 */
@Injectable()
export class NatsTransport extends PushTransport implements OnApplicationShutdown {
  readonly method = 'nats' as const;
  private readonly logger = new Logger(NatsTransport.name);
  private connecting: Promise<Connected> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly publishTimeoutMs: number = NATS_PUBLISH_TIMEOUT_MS,
  ) {
    super();
  }

  /** Whether NATS_URL is set: the admin API refuses `nats` subscriptions otherwise. */
  isConfigured(): boolean {
    return this.config.natsUrl !== undefined;
  }

  async deliver(
    subscription: SubscriptionRecord,
    events: readonly StreamEvent[],
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> {
    if (!this.isConfigured()) return { kind: 'retry', detail: 'NATS_URL is not set' };
    let connected: Connected;
    try {
      connected = await this.connection();
    } catch (error) {
      return { kind: 'retry', detail: `NATS connection failed: ${describe(error)}` };
    }
    const fixedSubject = subscription.delivery.method === 'nats' ? subscription.delivery.subject : undefined;
    for (let start = 0; start < events.length; start += NATS_PUBLISH_WINDOW) {
      if (signal.aborted) return { kind: 'retry', detail: 'aborted at shutdown' };
      const window = events.slice(start, start + NATS_PUBLISH_WINDOW);
      // Subjects are checked before anything of the window is sent, in order: the events before a refused
      // one are published, as they were when publishes went one by one.
      const subjects: string[] = [];
      let refused: DeliveryOutcome | undefined;
      for (const event of window) {
        const subject = fixedSubject ?? defaultSubject(event, this.config.natsSubjectPrefix);
        refused = this.refusal(subject, connected.streamSubjects);
        if (refused) break;
        subjects.push(subject);
      }
      const outcomes = await Promise.all(
        subjects.map((subject, i) => this.publish(connected.js, subject, window[i])),
      );
      const failed = outcomes.find((outcome) => outcome !== undefined);
      if (failed) return failed;
      if (refused) return refused;
    }
    return { kind: 'acknowledged' };
  }

  private refusal(subject: string, streamSubjects: string[]): DeliveryOutcome | undefined {
    if (!isPublishableSubject(subject)) return { kind: 'reject', detail: `Invalid NATS subject ${subject}` };
    if (!streamSubjects.some((filter) => subjectMatches(filter, subject))) {
      return {
        kind: 'reject',
        detail: `Subject ${subject} is not in stream ${this.config.natsStream} (${streamSubjects.join(', ')})`,
      };
    }
    return undefined;
  }

  /** Undefined when acknowledged; else the classified failure. */
  private async publish(
    js: JetStreamClient,
    subject: string,
    event: StreamEvent,
  ): Promise<DeliveryOutcome | undefined> {
    try {
      await js.publish(subject, streamEventJson(event), { msgID: event.id, timeout: this.publishTimeoutMs });
      return undefined;
    } catch (error) {
      // The server answered and refused this message (e.g. too large): sending it again cannot help.
      if (
        error instanceof JetStreamApiError ||
        error instanceof InvalidSubjectError ||
        error instanceof InvalidArgumentError
      ) {
        return { kind: 'reject', detail: `NATS refused ${event.id}: ${describe(error)}` };
      }
      // Timeouts, no responders (JetStream or the stream briefly unavailable), connection errors.
      this.connectionMayBeStale(error);
      return { kind: 'retry', detail: `NATS publish of ${event.id} failed: ${describe(error)}` };
    }
  }

  private connection(): Promise<Connected> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<Connected> {
    const nc = await connect({
      servers: (this.config.natsUrl ?? '').split(',').map((server) => server.trim()),
      name: 'scim-stream',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: this.publishTimeoutMs,
      // Without it the client builds two Error objects (with their stack traces) for every publish, in case
      // it times out: half of the client's CPU per event. Our failures are logged by message, never by stack.
      noAsyncTraces: true,
    });
    try {
      const streamSubjects = await this.ensureStream(nc);
      void nc.closed().then(() => {
        if (this.connecting) this.connecting = undefined;
      });
      return { nc, js: jetstream(nc), streamSubjects };
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
  }

  private async ensureStream(nc: NatsConnection): Promise<string[]> {
    const jsm = await jetstreamManager(nc);
    const name = this.config.natsStream;
    try {
      const info = await jsm.streams.info(name);
      return info.config.subjects ?? [];
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound))
        throw error;
      const subjects = [`${this.config.natsSubjectPrefix}.>`];
      const created = await jsm.streams.add({ name, subjects });
      this.logger.log(`Created JetStream stream ${name} (${subjects.join(', ')})`);
      return created.config.subjects ?? subjects;
    }
  }

  /** After a failure that may come from a deleted stream, check the stream again on the next attempt. */
  private connectionMayBeStale(error: unknown): void {
    if (describe(error).includes('no responders')) {
      const current = this.connecting;
      this.connecting = undefined;
      void current?.then((c) => c.nc.close()).catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const current = this.connecting;
    this.connecting = undefined;
    if (current) await current.then((c) => c.nc.drain()).catch(() => undefined);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
