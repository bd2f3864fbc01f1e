/**
 * The RFC 8936 delivery state of a poll subscription, derived from durable data only (issue "Standard
 * streams": unacknowledged SETs are offered again, also after a restart): the position (every SET up to it
 * acknowledged), the journal after it, and the jtis acknowledged beyond the first unacknowledged one. Pure.
 */
import type { JournalEntry } from '../../store/ports';
import type { SubscriptionRecord } from '../subscription';
import { wantsEntry } from '../subscription-filter';
import { eventUrisOf, setJti } from './set-builder';

export interface PendingChange {
  entry: JournalEntry;
  /** The jtis of the change's SETs, in order. */
  jtis: string[];
}

/** The changes after the position the subscription delivers, each with its SETs' jtis (filtered ones left out). */
export function pendingChanges(
  subscription: SubscriptionRecord,
  entries: readonly JournalEntry[],
): PendingChange[] {
  const delivery = subscription.delivery;
  if (delivery.method !== 'poll') return [];
  return entries
    .filter((entry) => wantsEntry(subscription, entry))
    .map((entry) => ({
      entry,
      jtis: eventUrisOf(entry, delivery.format).map((uri) =>
        setJti(subscription.id, entry.tenantId, entry.seq, uri),
      ),
    }))
    .filter((change) => change.jtis.length > 0);
}

export interface Advance {
  /** The new position: over every leading entry that is filtered out or fully acknowledged. */
  position: number;
  /** Acknowledged jtis still ahead of the position (kept in the record). */
  acknowledged: string[];
  /** Seqs of the changes the position moved over because they were acknowledged. */
  acknowledgedSeqs: number[];
}

/**
 * Moves the position over the leading entries that need nothing more: filtered out, or all their SETs
 * acknowledged. jtis not among the pending SETs (acknowledged before, or unknown) are dropped.
 */
export function advance(
  position: number,
  entries: readonly JournalEntry[],
  pending: readonly PendingChange[],
  acknowledged: ReadonlySet<string>,
): Advance {
  const bySeq = new Map(pending.map((p) => [p.entry.seq, p]));
  const known = new Set(pending.flatMap((p) => p.jtis));
  let next = position;
  const acknowledgedSeqs: number[] = [];
  for (const entry of entries) {
    if (entry.seq !== next + 1) break;
    const change = bySeq.get(entry.seq);
    if (change && !change.jtis.every((jti) => acknowledged.has(jti))) break;
    if (change) acknowledgedSeqs.push(entry.seq);
    next = entry.seq;
  }
  const behind = new Set(pending.filter((p) => p.entry.seq <= next).flatMap((p) => p.jtis));
  return {
    position: next,
    acknowledged: [...acknowledged].filter((jti) => known.has(jti) && !behind.has(jti)),
    acknowledgedSeqs,
  };
}
