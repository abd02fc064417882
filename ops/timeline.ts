/**
 * A customer's sessions as the console draws them: each session's segments in chain order with
 * kind, agent and times; the continuation edges between sessions; and for each return, what the
 * new chat sees of the past session and what is hidden. Pure.
 *
 * What Connect shows (docs/sources.md#rehydration-types, API_CreatePersistentContactAssociation):
 * FROM_SEGMENT at C2 of C1 → C2 → C3 shows C2 and C1 and drops C3; ENTIRE_PAST_SESSION at C1
 * continues from the most recently ended contact and shows the whole session.
 */
import type { Resumption } from '../core/ledger';
import type { Segment, SegmentKind } from '../core/lineage';
import { orderSession, segmentKind, sessionIdOf } from '../core/lineage';
import type { ReturnIntent } from '../core/returns';

export interface SegmentRow {
  readonly contactId: string;
  readonly kind: SegmentKind;
  readonly previousContactId?: string;
  readonly initiationMethod?: string;
  /** The agent's id (the last part of the agent ARN). */
  readonly agent?: string;
  readonly initiatedAt?: string;
  readonly disconnectedAt?: string;
}

export interface PlanRow {
  readonly policy: string;
  readonly rehydrationType: string;
  readonly sourceContactId: string;
  readonly pastSessionId: string;
  readonly expectedContinuedFromContactId: string;
  readonly clientToken: string;
  readonly notBefore: string;
}

export interface ReturnRow {
  readonly instanceId: string;
  readonly contactId: string;
  readonly status: Resumption['status'] | 'DETECTED';
  readonly via?: string;
  readonly detectedAt?: string;
  readonly reason?: string;
  readonly attempts: number;
  readonly plan?: PlanRow;
  readonly continuedFromContactId?: string;
  /** Past-session segments the new chat sees, in chain order. */
  readonly shown: string[];
  /** Past-session segments it does not see (a trailing survey, typically). */
  readonly hidden: string[];
}

export interface SessionRow {
  readonly instanceId: string;
  readonly sessionId: string;
  readonly customerId?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly segments: SegmentRow[];
  /** The contact of an earlier session this one continues (Connect's RelatedContactId). */
  readonly continuedFrom?: string;
  /** Present when this session's first contact was a return. */
  readonly return?: ReturnRow;
}

export interface ContinuationEdge {
  readonly fromSessionId: string;
  readonly fromContactId: string;
  readonly toSessionId: string;
  readonly toContactId: string;
  /** associated: Connect continued it; planned / failed / skipped: what the plan named. */
  readonly state: 'associated' | 'planned' | 'failed' | 'skipped';
}

export function segmentRow(s: Segment): SegmentRow {
  return {
    contactId: s.contactId,
    kind: segmentKind(s),
    ...(s.previousContactId !== undefined ? { previousContactId: s.previousContactId } : {}),
    ...(s.initiationMethod !== undefined ? { initiationMethod: s.initiationMethod } : {}),
    ...(s.agentArn !== undefined ? { agent: s.agentArn.split('/').pop() ?? s.agentArn } : {}),
    ...(s.initiatedAt !== undefined ? { initiatedAt: s.initiatedAt } : {}),
    ...(s.disconnectedAt !== undefined ? { disconnectedAt: s.disconnectedAt } : {}),
  };
}

/** The past segments a plan shows, and those it hides, given the past session's segments. */
export function shownAndHidden(plan: Pick<PlanRow, 'rehydrationType' | 'sourceContactId'>, pastSession: readonly Segment[]): { shown: string[]; hidden: string[] } {
  const ordered = orderSession(pastSession).map((s) => s.contactId);
  if (plan.rehydrationType === 'ENTIRE_PAST_SESSION') return { shown: ordered, hidden: [] };
  const byId = new Map(pastSession.map((s) => [s.contactId, s]));
  const chain = new Set<string>();
  for (let at = byId.get(plan.sourceContactId); at && !chain.has(at.contactId); at = at.previousContactId ? byId.get(at.previousContactId) : undefined) chain.add(at.contactId);
  return { shown: ordered.filter((id) => chain.has(id)), hidden: ordered.filter((id) => !chain.has(id)) };
}

export function planRow(r: Resumption): PlanRow | undefined {
  const p = r.plan;
  if (!p) return undefined;
  return {
    policy: p.policy,
    rehydrationType: p.rehydrationType,
    sourceContactId: p.sourceContactId,
    pastSessionId: p.pastSessionId,
    expectedContinuedFromContactId: p.expectedContinuedFromContactId,
    clientToken: p.clientToken,
    notBefore: p.notBefore,
  };
}

/** Groups segments into sessions (instance + initial contact), oldest session first. */
export function groupSessions(segments: readonly Segment[]): Segment[][] {
  const bySession = new Map<string, Segment[]>();
  for (const s of segments) {
    const k = `${s.instanceId}\u0000${sessionIdOf(s)}`;
    bySession.set(k, [...(bySession.get(k) ?? []), s]);
  }
  const startOf = (segs: Segment[]) => segs.map((s) => s.initiatedAt ?? s.lastEventAt ?? '').filter((t) => t !== '').sort()[0] ?? '';
  return [...bySession.values()].sort((a, b) => startOf(a).localeCompare(startOf(b)) || sessionIdOf(a[0] as Segment).localeCompare(sessionIdOf(b[0] as Segment)));
}

export interface TimelineInput {
  /** Every segment of every session of the customer. */
  readonly segments: readonly Segment[];
  /** Ledger records of the sessions' first contacts (returns), keyed `${instanceId}/${contactId}`. */
  readonly resumptions: ReadonlyMap<string, Resumption>;
  readonly intents: ReadonlyMap<string, ReturnIntent>;
}

export function customerTimeline(input: TimelineInput): { sessions: SessionRow[]; edges: ContinuationEdge[] } {
  const groups = groupSessions(input.segments);
  const sessionOfContact = new Map<string, string>();
  for (const g of groups) for (const s of g) sessionOfContact.set(`${s.instanceId}/${s.contactId}`, sessionIdOf(s));
  const segmentsOfSession = new Map(groups.map((g) => [`${(g[0] as Segment).instanceId}/${sessionIdOf(g[0] as Segment)}`, g]));
  const edges: ContinuationEdge[] = [];

  const sessions = groups.map((g): SessionRow => {
    const first = g[0] as Segment;
    const instanceId = first.instanceId;
    const sessionId = sessionIdOf(first);
    const ordered = orderSession(g);
    const initial = g.find((s) => s.contactId === sessionId);
    const starts = g.map((s) => s.initiatedAt).filter((t): t is string => t !== undefined).sort();
    const ends = g.map((s) => s.disconnectedAt).filter((t): t is string => t !== undefined).sort();
    const allEnded = g.every((s) => s.disconnectedAt !== undefined);
    const customerId = g.find((s) => s.customerId !== undefined)?.customerId;
    const key = `${instanceId}/${sessionId}`;
    const record = input.resumptions.get(key);
    const intent = input.intents.get(key);
    let ret: ReturnRow | undefined;
    if (record || intent) {
      const plan = record ? planRow(record) : undefined;
      const pastSession = plan ? segmentsOfSession.get(`${instanceId}/${plan.pastSessionId}`) ?? [] : [];
      const { shown, hidden } = plan ? shownAndHidden(plan, pastSession) : { shown: [], hidden: [] };
      ret = {
        instanceId,
        contactId: sessionId,
        status: record?.status ?? 'DETECTED',
        ...(record?.via ?? intent?.via ? { via: (record?.via ?? intent?.via) as string } : {}),
        ...(intent ? { detectedAt: intent.detectedAt } : {}),
        ...(record?.reason !== undefined ? { reason: record.reason } : {}),
        attempts: record?.attempts ?? 0,
        ...(plan ? { plan } : {}),
        ...(record?.continuedFromContactId !== undefined ? { continuedFromContactId: record.continuedFromContactId } : {}),
        shown,
        hidden,
      };
      const fromContactId = record?.continuedFromContactId ?? plan?.expectedContinuedFromContactId;
      if (fromContactId !== undefined) {
        const fromSessionId = sessionOfContact.get(`${instanceId}/${fromContactId}`) ?? plan?.pastSessionId ?? fromContactId;
        const state = record?.status === 'ASSOCIATED' ? 'associated' : record?.status === 'FAILED' ? 'failed' : record?.status === 'SKIPPED' ? 'skipped' : 'planned';
        edges.push({ fromSessionId, fromContactId, toSessionId: sessionId, toContactId: sessionId, state });
      }
    } else if (initial?.relatedContactId !== undefined) {
      const fromContactId = initial.relatedContactId;
      edges.push({ fromSessionId: sessionOfContact.get(`${instanceId}/${fromContactId}`) ?? fromContactId, fromContactId, toSessionId: sessionId, toContactId: sessionId, state: 'associated' });
    }
    return {
      instanceId,
      sessionId,
      ...(customerId !== undefined ? { customerId } : {}),
      ...(starts[0] !== undefined ? { startedAt: starts[0] } : {}),
      ...(allEnded && ends.length > 0 ? { endedAt: ends.at(-1) as string } : {}),
      segments: ordered.map(segmentRow),
      ...(initial?.relatedContactId !== undefined ? { continuedFrom: initial.relatedContactId } : {}),
      ...(ret ? { return: ret } : {}),
    };
  });
  return { sessions, edges };
}
