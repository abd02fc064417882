/**
 * The chaos suite's oracle: the simulator's own ground truth (its contacts, how they chain, how
 * many associations each CPCA committed) set against what the stack stored.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CUSTOMER_RETURNED_DETAIL_TYPE } from '../../core/constants';
import type { Resumption } from '../../core/ledger';
import type { Segment } from '../../core/lineage';
import type { ChatlineStore } from '../../core/store';
import type { SimContact } from '../../simulator/contacts';

export interface OracleReturn {
  readonly instanceId: string;
  readonly contactId: string;
  readonly customerId: string;
  /** 'app': a `Chat Customer Returned` event was published too; 'plain': only the INITIATED event's customerId. */
  readonly detection: 'app' | 'plain';
  /** The initial contact of the session it returns from (the simulator's ground truth). */
  readonly pastInitialContactId: string;
}

export interface Verdict {
  readonly duplicateAssociations: string[];
  readonly acceptedEventsLost: string[];
  readonly lineageDifferences: string[];
  readonly returnsNotTerminal: string[];
  readonly returnsTerminalWithoutReason: string[];
  /** Informational: returns that ended terminal but not ASSOCIATED (with their reason). */
  readonly returnsNotAssociated: string[];
  /**
   * Contacts whose end the stack could not know: Connect ended them, but every event that carried
   * their disconnectTimestamp was dropped (the 2% event loss) and no return depends on them, so
   * chatline has no reason to ask DescribeContact (gap fill describes a return's past session).
   * Counted and printed, not a lineage difference.
   */
  readonly endsNeverDelivered: string[];
  /**
   * The ledger and Connect disagree: ASSOCIATED without an association Connect committed, or an
   * association Connect committed for a return the ledger does not say ASSOCIATED.
   */
  readonly outcomeMismatches: string[];
  /**
   * Returns without an app event whose past session never looked ended to the stack: every
   * end-carrying event of one of its segments was dropped, so automatic detection (which needs an
   * ended past session) never fired and no gap fill was asked for. Counted and printed: chatline
   * cannot see these on AWS either (README, "Known limits").
   */
  readonly returnsUndetectable: string[];
  /**
   * Returns ASSOCIATED (or planned) from a past session other than the one the simulator's
   * customer actually returns from: the wrong conversation continued.
   */
  readonly wrongPastSession: string[];
}

const TERMINAL = new Set(['ASSOCIATED', 'FAILED', 'SKIPPED']);

export async function judge(input: {
  store: ChatlineStore;
  contacts: readonly SimContact[];
  associationsByContact: Record<string, number>;
  accepted: readonly PutEventsRequestEntry[];
  returns: readonly OracleReturn[];
  instanceId: string;
}): Promise<Verdict> {
  const { store, instanceId } = input;
  const duplicateAssociations = Object.entries(input.associationsByContact).filter(([, n]) => n > 1).map(([c, n]) => `${c} x${n}`);

  const segments = new Map<string, Segment>();
  const segmentOf = async (contactId: string): Promise<Segment | undefined> => {
    if (!segments.has(contactId)) {
      const s = (await store.getSegment(instanceId, contactId))?.value;
      if (s) segments.set(contactId, s);
    }
    return segments.get(contactId);
  };
  const resumptions = new Map<string, Resumption>();
  for (const r of await store.listResumptions()) if (r.instanceId === instanceId) resumptions.set(r.contactId, r);

  const acceptedEventsLost: string[] = [];
  for (const entry of input.accepted) {
    const detail = JSON.parse(entry.Detail ?? '{}') as { contactId?: string; eventType?: string };
    const contactId = detail.contactId ?? '';
    if (entry.DetailType === CUSTOMER_RETURNED_DETAIL_TYPE) {
      // An app event leaves a return intent, or (once planned) a ledger record.
      if (!(await store.getIntent(instanceId, contactId)) && !resumptions.has(contactId)) acceptedEventsLost.push(`app return ${contactId}`);
    } else if (!(await segmentOf(contactId))?.eventTypes.includes(detail.eventType ?? '')) {
      acceptedEventsLost.push(`${contactId} ${detail.eventType ?? '?'}`);
    }
  }

  // Which contacts some accepted event told the stack had ended (any event type carries disconnectTimestamp once set).
  const endDelivered = new Set<string>();
  for (const entry of input.accepted) {
    const detail = JSON.parse(entry.Detail ?? '{}') as { contactId?: string; disconnectTimestamp?: string };
    if (detail.contactId !== undefined && detail.disconnectTimestamp !== undefined) endDelivered.add(detail.contactId);
  }
  // Sessions gap fill answers for: the past session of every return chatline knows of (an app
  // event, or a ledger record). A plain return whose past session never looked ended is not known.
  const pastSessions = new Set(input.returns.filter((r) => r.detection === 'app' || resumptions.has(r.contactId)).map((r) => r.pastInitialContactId));
  const undelivered = (c: SimContact): boolean => c.disconnectTimestamp !== undefined && !endDelivered.has(c.contactId);

  const lineageDifferences: string[] = [];
  const endsNeverDelivered: string[] = [];
  for (const c of input.contacts) {
    if (c.instanceId !== instanceId) continue;
    const seg = await segmentOf(c.contactId);
    if (!seg) {
      lineageDifferences.push(`${c.contactId}: missing`);
      continue;
    }
    const expected = {
      initialContactId: c.initialContactId === c.contactId ? undefined : c.initialContactId,
      previousContactId: c.previousContactId,
      relatedContactId: c.relatedContactId,
      ended: c.disconnectTimestamp !== undefined,
    };
    const got = {
      initialContactId: seg.initialContactId === c.contactId ? undefined : seg.initialContactId,
      previousContactId: seg.previousContactId,
      // After CPCA no event need say RelatedContactId; the ledger holds what CPCA answered.
      relatedContactId: seg.relatedContactId ?? resumptions.get(c.contactId)?.continuedFromContactId,
      ended: seg.disconnectedAt !== undefined,
    };
    if (!got.ended && undelivered(c) && !pastSessions.has(c.initialContactId)) {
      endsNeverDelivered.push(`${c.contactId} (${c.initiationMethod}, session ${c.initialContactId})`);
      got.ended = true;
    }
    for (const k of Object.keys(expected) as (keyof typeof expected)[]) {
      if (expected[k] === got[k]) continue;
      const why = k === 'ended' ? ` (${c.initiationMethod}, session ${c.initialContactId}, end ${endDelivered.has(c.contactId) ? 'delivered' : 'never delivered'}, ${pastSessions.has(c.initialContactId) ? 'past session of a known return' : 'no known return depends on it'})` : '';
      lineageDifferences.push(`${c.contactId}: ${k} expected ${String(expected[k])} got ${String(got[k])}${why}`);
    }
  }

  const returnsNotTerminal: string[] = [];
  const returnsTerminalWithoutReason: string[] = [];
  const returnsNotAssociated: string[] = [];
  const outcomeMismatches: string[] = [];
  const returnsUndetectable: string[] = [];
  const wrongPastSession: string[] = [];
  const simById = new Map(input.contacts.map((c) => [c.contactId, c]));
  for (const r of input.returns) {
    const ledger = resumptions.get(r.contactId);
    const committed = input.associationsByContact[r.contactId] ?? 0;
    if (ledger?.plan && ledger.status !== 'SKIPPED' && ledger.plan.pastSessionId !== r.pastInitialContactId) wrongPastSession.push(`${r.contactId} (${r.detection}): ${ledger.status} from session ${ledger.plan.pastSessionId}, returns from ${r.pastInitialContactId}`);
    if ((ledger?.status === 'ASSOCIATED') !== committed > 0) outcomeMismatches.push(`${r.contactId} (${r.detection}): ledger ${ledger?.status ?? 'none'}, Connect committed ${committed}`);
    if (!ledger && r.detection === 'plain' && input.contacts.some((c) => c.initialContactId === r.pastInitialContactId && undelivered(c))) {
      returnsUndetectable.push(`${r.contactId}: past session ${r.pastInitialContactId} never looked ended (every end-carrying event of a segment was dropped)`);
      continue;
    }
    if (!ledger || !TERMINAL.has(ledger.status)) {
      returnsNotTerminal.push(`${r.contactId} (${r.detection}): ${ledger ? ledger.status : 'no ledger record'}`);
      continue;
    }
    if (ledger.status !== 'ASSOCIATED') {
      if (!ledger.reason) returnsTerminalWithoutReason.push(`${r.contactId} (${r.detection}): ${ledger.status}`);
      const sim = simById.get(r.contactId);
      const after = (iso: string | undefined): string => (sim && iso ? `${((Date.parse(iso) - sim.initiationTimestamp) / 1000).toFixed(1)} s` : '?');
      const timing = sim ? ` [wall: chat ended ${sim.disconnectTimestamp !== undefined ? `${((sim.disconnectTimestamp - sim.initiationTimestamp) / 1000).toFixed(1)} s` : 'never'}, planned ${after(ledger.createdAt)}, ended ${after(ledger.updatedAt)} after it started]` : '';
      returnsNotAssociated.push(`${r.contactId} (${r.detection}): ${ledger.status} ${ledger.reason ?? ''}${timing}`.trim());
    }
  }
  return { duplicateAssociations, acceptedEventsLost, lineageDifferences, returnsNotTerminal, returnsTerminalWithoutReason, returnsNotAssociated, endsNeverDelivered, outcomeMismatches, returnsUndetectable, wrongPastSession };
}
