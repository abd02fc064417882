/**
 * A return: the signal that a new chat should continue an earlier one. It comes from the app
 * event `Chat Customer Returned` or is detected from a contact's INITIATED event. Both may arrive
 * for the same contact; they merge deterministically and the explicit app event wins.
 */
import type { RehydrationPolicy } from './schemas';
import type { Segment } from './lineage';
import { isEnded, segmentKind, sessionIdOf } from './lineage';

export interface ReturnIntent {
  readonly instanceId: string;
  readonly contactId: string;
  readonly via: 'app' | 'auto';
  readonly previousContactId?: string;
  readonly customerId?: string;
  readonly policy?: RehydrationPolicy;
  /** First time any signal for this return was seen (drives the late-event grace). */
  readonly detectedAt: string;
  /** When the gaps in its past session were filled with DescribeContact (done once). */
  readonly gapsDescribedAt?: string;
}

/** Joins two intents for one contact: app beats auto; otherwise the smaller fields win. */
export function mergeIntents(a: ReturnIntent, b: ReturnIntent): ReturnIntent {
  const detectedAt = a.detectedAt <= b.detectedAt ? a.detectedAt : b.detectedAt;
  const described = [a.gapsDescribedAt, b.gapsDescribedAt].filter((t): t is string => t !== undefined).sort()[0];
  const winner = a.via !== b.via ? (a.via === 'app' ? a : b) : stableKey(a) <= stableKey(b) ? a : b;
  const { gapsDescribedAt: _ignored, ...rest } = winner;
  return { ...rest, detectedAt, ...(described ? { gapsDescribedAt: described } : {}) };
}

function stableKey(i: ReturnIntent): string {
  return JSON.stringify([i.previousContactId ?? '', i.customerId ?? '', i.policy ?? '']);
}

/**
 * Automatic detection, decided from the segments' timestamps, never from the order events arrive
 * in (Connect's events are best-effort and unordered): a CHAT contact that starts a new session
 * (not a transfer, survey or continuation), is not already persistent (no relatedContactId), is
 * still active, and STARTED at or after the end of an ended past session of the same customer.
 *
 * The window in which a return is worth resuming: while the new chat is still active, i.e. until
 * its DISCONNECTED (or DescribeContact's DisconnectTimestamp) is recorded. A past session whose end
 * is recorded after that no longer makes it a return.
 */
export function detectsReturn(contact: Segment, customerSegments: readonly Segment[]): boolean {
  if (!isReturnCandidate(contact) || contact.initiatedAt === undefined) return false;
  const startedAt = Date.parse(contact.initiatedAt);
  const own = sessionIdOf(contact);
  return endedSessions(customerSegments.filter((s) => sessionIdOf(s) !== own)).some((session) => sessionEndMs(session) <= startedAt);
}

/** A contact that could be a return once a past session of its customer is known to have ended before it. */
export function isReturnCandidate(contact: Segment): boolean {
  if (contact.channel !== 'CHAT' || contact.customerId === undefined || contact.relatedContactId !== undefined) return false;
  return segmentKind(contact) === 'initial' && !isEnded(contact);
}

/** Every contact among a customer's segments that is a return now (re-checked whenever the segments change). */
export function detectReturns(customerSegments: readonly Segment[]): Segment[] {
  return customerSegments.filter((s) => detectsReturn(s, customerSegments));
}

/** The end of an ended session: its latest disconnect, as an instant (ISO compared as time, not text). */
function sessionEndMs(session: readonly Segment[]): number {
  return Math.max(...session.map((s) => Date.parse(s.disconnectedAt as string)));
}

/** Groups segments by session. */
export function sessionsOf(segments: readonly Segment[]): Segment[][] {
  const bySession = new Map<string, Segment[]>();
  for (const s of segments) {
    const id = sessionIdOf(s);
    const session = bySession.get(id);
    if (session) session.push(s);
    else bySession.set(id, [s]);
  }
  return [...bySession.values()];
}

/** Groups segments by session and keeps the sessions whose every known segment has ended. */
export function endedSessions(segments: readonly Segment[]): Segment[][] {
  return sessionsOf(segments).filter((segs) => segs.every(isEnded));
}
