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
 * Automatic detection: a CHAT contact that starts a new session (not a transfer or survey), is not
 * already persistent, and whose customer has an ended past session.
 */
export function detectsReturn(contact: Segment, eventType: string, customerSegments: readonly Segment[]): boolean {
  if (eventType !== 'INITIATED' || contact.channel !== 'CHAT') return false;
  if (contact.customerId === undefined || contact.relatedContactId !== undefined) return false;
  if (segmentKind(contact) !== 'initial') return false;
  const own = sessionIdOf(contact);
  return endedSessions(customerSegments.filter((s) => sessionIdOf(s) !== own)).length > 0;
}

/** Groups segments by session and keeps the sessions whose every known segment has ended. */
export function endedSessions(segments: readonly Segment[]): Segment[][] {
  const bySession = new Map<string, Segment[]>();
  for (const s of segments) bySession.set(sessionIdOf(s), [...(bySession.get(sessionIdOf(s)) ?? []), s]);
  return [...bySession.values()].filter((segs) => segs.every(isEnded));
}
