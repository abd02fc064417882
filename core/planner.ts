/**
 * The rehydration planner: from a return and the lineage, decide what to associate, or why not.
 *
 * Policies (README.md, "How it works"):
 *  - `auto` (default): hide trailing disconnect-flow (survey) segments → FROM_SEGMENT at the last
 *    non-survey segment; a session without a trailing survey → ENTIRE_PAST_SESSION from its initial contact.
 *  - `entire-session`: ENTIRE_PAST_SESSION from the initial contact (Connect continues from the
 *    most recently ended segment, surveys included).
 *  - `from-segment`: FROM_SEGMENT at the contact the app named (`previousContactId`), else at the
 *    session's last segment.
 */
import { PastSessionNotReadyError } from './errors';
import type { RehydrationType } from './identifiers';
import { deriveClientToken } from './identifiers';
import type { Segment } from './lineage';
import { isEnded, orderSession, segmentKind, sessionIdOf } from './lineage';
import type { ReturnIntent } from './returns';
import { endedSessions, sessionsOf } from './returns';
import type { RehydrationPolicy } from './schemas';

export interface PlannerConfig {
  readonly defaultPolicy: RehydrationPolicy;
  /** Connect generates transcripts 30-60 s after a chat ends: wait this long after the last end. */
  readonly readinessDelaySeconds: number;
  /** Contact events arrive late and out of order: plan no earlier than this after detection. */
  readonly lateEventGraceSeconds: number;
  /**
   * Events can also be lost (delivery is best-effort). A past session still incomplete this long
   * after the return was detected is filled in once with DescribeContact.
   */
  readonly gapFillAfterSeconds: number;
}

export const DEFAULT_PLANNER_CONFIG: PlannerConfig = {
  defaultPolicy: 'auto',
  readinessDelaySeconds: 60,
  lateEventGraceSeconds: 5,
  gapFillAfterSeconds: 60,
};

export interface ResumptionPlan {
  readonly policy: RehydrationPolicy;
  readonly rehydrationType: RehydrationType;
  readonly sourceContactId: string;
  readonly pastSessionId: string;
  /** What Connect should answer as ContinuedFromContactId, given the lineage we know. */
  readonly expectedContinuedFromContactId: string;
  readonly clientToken: string;
  /**
   * The association waits until then: the transcripts are ready and late events had their grace.
   * A whole second (rounded up): a Wait state with a Timestamp truncates milliseconds.
   */
  readonly notBefore: string;
}

export type PlanDecision =
  | { readonly action: 'associate'; readonly plan: ResumptionPlan }
  | { readonly action: 'describe'; readonly contactIds: readonly string[] }
  | { readonly action: 'skip'; readonly reason: string };

export interface PlanInput {
  readonly intent: ReturnIntent;
  /** The new chat's own segment, if its events have been recorded. */
  readonly newContact?: Segment;
  /** Segments that may hold the past session: the named contact's session, or the customer's. */
  readonly candidates: readonly Segment[];
  readonly now: Date;
  readonly config: PlannerConfig;
}

/**
 * Decides the plan, once: an association is planned as soon as the past session has ended, to go
 * at `notBefore` (transcript readiness and the late-event grace folded in), so the workflow's
 * first step does not have to be a wait and a second plan. Throws PastSessionNotReadyError while
 * the named past contact is unknown or its session has not ended (events may be late); the
 * workflow retries that with backoff.
 */
export function planResumption(input: PlanInput): PlanDecision {
  const { intent, newContact, config } = input;
  if (newContact?.relatedContactId !== undefined) {
    return { action: 'skip', reason: `contact ${intent.contactId} is already persistent (relatedContactId ${newContact.relatedContactId})` };
  }
  if (newContact?.channel !== undefined && newContact.channel !== 'CHAT') {
    return { action: 'skip', reason: `contact ${intent.contactId} is ${newContact.channel}, persistent chat is chat-only` };
  }
  let past: PastSession;
  try {
    past = findPastSession(input);
  } catch (err) {
    const gaps = err instanceof PastSessionNotReadyError ? gapsToDescribe(input) : [];
    if (gaps.length === 0) throw err;
    return { action: 'describe', contactIds: gaps };
  }
  if ('skip' in past) return { action: 'skip', reason: past.skip };
  const { sessionId, segments } = past;
  const nonChat = segments.find((s) => s.channel !== undefined && s.channel !== 'CHAT');
  if (nonChat) return { action: 'skip', reason: `past session ${sessionId} has a ${nonChat.channel} segment ${nonChat.contactId}` };

  const lastEnd = maxTime(segments.map((s) => s.disconnectedAt ?? ''));
  const notBefore = ceilToSecond(
    maxTime([addSeconds(lastEnd, config.readinessDelaySeconds), addSeconds(intent.detectedAt, config.lateEventGraceSeconds)]),
  );

  const policy = intent.policy ?? config.defaultPolicy;
  const ordered = orderSession(segments);
  const { rehydrationType, sourceContactId, expected } = chooseSource(policy, sessionId, ordered, intent.previousContactId);
  return {
    action: 'associate',
    plan: {
      policy,
      rehydrationType,
      sourceContactId,
      pastSessionId: sessionId,
      expectedContinuedFromContactId: expected,
      clientToken: deriveClientToken({ instanceId: intent.instanceId, contactId: intent.contactId, rehydrationType, sourceContactId }),
      notBefore,
    },
  };
}

function chooseSource(
  policy: RehydrationPolicy,
  sessionId: string,
  ordered: readonly Segment[],
  namedContactId: string | undefined,
): { rehydrationType: RehydrationType; sourceContactId: string; expected: string } {
  const lastEnded = [...ordered].sort((a, b) => (a.disconnectedAt ?? '').localeCompare(b.disconnectedAt ?? '')).at(-1);
  const entire = { rehydrationType: 'ENTIRE_PAST_SESSION' as const, sourceContactId: sessionId, expected: lastEnded?.contactId ?? sessionId };
  const fromSegment = (contactId: string) => ({ rehydrationType: 'FROM_SEGMENT' as const, sourceContactId: contactId, expected: contactId });
  switch (policy) {
    case 'entire-session':
      return entire;
    case 'from-segment': {
      const named = namedContactId !== undefined && ordered.some((s) => s.contactId === namedContactId);
      return fromSegment(named ? (namedContactId as string) : (ordered.at(-1)?.contactId ?? sessionId));
    }
    case 'auto': {
      const lastAgentSegment = ordered.findLastIndex((s) => segmentKind(s) !== 'survey');
      const hasTrailingSurvey = lastAgentSegment >= 0 && lastAgentSegment < ordered.length - 1;
      return hasTrailingSurvey ? fromSegment((ordered[lastAgentSegment] as Segment).contactId) : entire;
    }
  }
}

type PastSession = { sessionId: string; segments: Segment[] } | { skip: string };


function findPastSession({ intent, newContact, candidates }: PlanInput): PastSession {
  const ownSession = newContact ? sessionIdOf(newContact) : intent.contactId;
  if (intent.previousContactId !== undefined) {
    const named = candidates.find((s) => s.contactId === intent.previousContactId);
    if (!named) throw new PastSessionNotReadyError(`past contact ${intent.previousContactId} is not in the lineage yet`);
    const sessionId = sessionIdOf(named);
    if (sessionId === ownSession) return { skip: `past contact ${intent.previousContactId} is in the returning contact's own session` };
    const segments = candidates.filter((s) => sessionIdOf(s) === sessionId);
    const active = segments.find((s) => !isEnded(s));
    if (active) throw new PastSessionNotReadyError(`past session ${sessionId} has not ended: segment ${active.contactId} is active`);
    return { sessionId, segments };
  }
  const others = candidates.filter((s) => sessionIdOf(s) !== ownSession && s.contactId !== intent.contactId);
  // Nothing known yet may only mean the past session's events are late (they arrive unordered):
  // retried with backoff, and recorded as SKIPPED if it stays so.
  if (others.length === 0) throw new PastSessionNotReadyError(`customer ${intent.customerId ?? '?'} has no past session in the lineage yet`);
  const ended = endedSessions(others);
  if (ended.length === 0) throw new PastSessionNotReadyError(`customer ${intent.customerId ?? '?'} has no ended past session yet`);
  const unfinished = unfinishedLatestSession(others, intent, newContact);
  if (unfinished) {
    const open = unfinished.find((s) => !isEnded(s)) as Segment;
    throw new PastSessionNotReadyError(`customer ${intent.customerId ?? '?'}'s latest past session ${sessionIdOf(open)} has not been seen to end: segment ${open.contactId} is active (its end may be late or lost)`);
  }
  const latest = ended.sort((a, b) => maxTime(a.map((s) => s.disconnectedAt ?? '')).localeCompare(maxTime(b.map((s) => s.disconnectedAt ?? '')))).at(-1) as Segment[];
  return { sessionId: sessionIdOf(latest[0] as Segment), segments: latest };
}

/**
 * The customer's latest session that started before the new chat, when it has not been seen to
 * end: its end may be late or lost (events are best-effort), and planning from an older ended
 * session would continue the wrong conversation. The planner waits for it (and its gaps are filled
 * with DescribeContact); once the gaps were described, the latest ended session is used.
 * Undefined when the new chat's own start is not recorded yet (nothing to compare with).
 */
function unfinishedLatestSession(others: readonly Segment[], intent: ReturnIntent, newContact: Segment | undefined): Segment[] | undefined {
  if (intent.gapsDescribedAt !== undefined || newContact?.initiatedAt === undefined) return undefined;
  const startedAt = Date.parse(newContact.initiatedAt);
  const startOf = (session: readonly Segment[]): number => Math.min(...session.map((s) => (s.initiatedAt === undefined ? Infinity : Date.parse(s.initiatedAt))));
  const before = sessionsOf(others).filter((session) => startOf(session) <= startedAt);
  const latest = before.sort((a, b) => startOf(a) - startOf(b)).at(-1);
  return latest && !latest.every(isEnded) ? latest : undefined;
}

/** The most contacts one gap fill describes (DescribeContact's default quota is 10/s). */
export const MAX_GAP_FILL = 20;

/**
 * When the past session is still unknown or unfinished long after the return, the contacts worth
 * a DescribeContact: the named contact if unknown, every known segment that has not ended, and
 * every previous contact the known segments name but the lineage lacks. Once per return.
 * `now: true`: whatever the gap-fill delay (the not-ready retries ran out before it passed).
 */
export function gapsToDescribe({ intent, newContact, candidates, now, config }: PlanInput, options: { readonly now?: boolean } = {}): string[] {
  if (intent.gapsDescribedAt !== undefined) return [];
  if (options.now !== true && now.toISOString() < addSeconds(intent.detectedAt, config.gapFillAfterSeconds)) return [];
  const ownSession = newContact ? sessionIdOf(newContact) : intent.contactId;
  const past = candidates.filter((s) => sessionIdOf(s) !== ownSession && s.contactId !== intent.contactId);
  const known = new Set(candidates.map((s) => s.contactId));
  const gaps = new Set<string>();
  if (intent.previousContactId !== undefined && !known.has(intent.previousContactId)) gaps.add(intent.previousContactId);
  for (const s of past) {
    if (!isEnded(s)) gaps.add(s.contactId);
    if (s.previousContactId !== undefined && !known.has(s.previousContactId)) gaps.add(s.previousContactId);
    if (!known.has(sessionIdOf(s))) gaps.add(sessionIdOf(s));
  }
  return [...gaps].sort().slice(0, MAX_GAP_FILL);
}

function maxTime(times: readonly string[]): string {
  return times.reduce((a, b) => (a >= b ? a : b), '');
}

/**
 * Up to the next whole second. Step Functions reads a Wait state's Timestamp to the second and
 * truncates milliseconds (docs/sources.md#a-wait-timestamp-is-read-to-the-second): a notBefore of 12:00:00.300
 * would let the call go at 12:00:00, before the transcripts or the grace are due.
 */
export function ceilToSecond(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(Math.ceil(ms / 1000) * 1000).toISOString();
}

function addSeconds(iso: string, seconds: number): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : new Date(ms + seconds * 1000).toISOString();
}
