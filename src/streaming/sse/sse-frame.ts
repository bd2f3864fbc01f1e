/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events", §9.2.6 interpreting an event stream). JSON from
 * JSON.stringify never holds a raw newline, so each payload fits one `data:` line.
 */
import { StreamEvent, streamEventJson } from '../stream-event';

/** One event: `id:` the seq (what the client sends back as Last-Event-ID), `event:` the type, `data:` the JSON. */
export function eventFrame(event: StreamEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${streamEventJson(event)}\n\n`;
}

/**
 * Events fromSeq..toSeq are gone (older than JOURNAL_RETENTION_DAYS). No `id:` field, so the client's
 * Last-Event-ID stays at the last real event.
 */
export function gapFrame(fromSeq: number, toSeq: number): string {
  return `event: gap\ndata: ${JSON.stringify({ fromSeq, toSeq, reason: 'expired' })}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_FRAME = ': keep-alive\n\n';

/** Sent first: tells the client how long to wait before reconnecting (ms), and flushes the headers. */
export const RETRY_FRAME = 'retry: 1000\n\n';
