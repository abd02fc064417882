/**
 * The lineage as operators read it: sessions (by initial contact), their segments in chain order
 * with their kind, and the contact each session continued from. Used by `chatline replay` and the
 * dashboard.
 */
import type { Segment } from './lineage';
import { orderSession, segmentKind, sessionIdOf } from './lineage';

export interface SessionView {
  initialContactId: string;
  customerId?: string;
  segments: { contactId: string; previousContactId?: string; initiationMethod?: string; kind: string; disconnectedAt?: string }[];
  continuedFrom?: string;
}

export function sessionsOf(segments: readonly Segment[]): SessionView[] {
  const bySession = new Map<string, Segment[]>();
  for (const s of segments) bySession.set(sessionIdOf(s), [...(bySession.get(sessionIdOf(s)) ?? []), s]);
  return [...bySession.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([initialContactId, segs]) => {
      const ordered = orderSession(segs);
      const customerId = segs.find((s) => s.customerId)?.customerId;
      const continuedFrom = ordered.find((s) => s.contactId === initialContactId)?.relatedContactId;
      return {
        initialContactId,
        ...(customerId ? { customerId } : {}),
        segments: ordered.map((s) => ({
          contactId: s.contactId,
          ...(s.previousContactId ? { previousContactId: s.previousContactId } : {}),
          ...(s.initiationMethod ? { initiationMethod: s.initiationMethod } : {}),
          kind: segmentKind(s),
          ...(s.disconnectedAt ? { disconnectedAt: s.disconnectedAt } : {}),
        })),
        ...(continuedFrom ? { continuedFrom } : {}),
      };
    });
}
