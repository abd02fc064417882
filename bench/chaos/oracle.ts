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
}

export interface Verdict {
  readonly duplicateAssociations: string[];
  readonly acceptedEventsLost: string[];
  readonly lineageDifferences: string[];
  readonly returnsNotTerminal: string[];
  readonly returnsTerminalWithoutReason: string[];
  /** Informational: returns that ended terminal but not ASSOCIATED (with their reason). */
  readonly returnsNotAssociated: string[];
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

  const lineageDifferences: string[] = [];
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
    for (const k of Object.keys(expected) as (keyof typeof expected)[]) {
      if (expected[k] !== got[k]) lineageDifferences.push(`${c.contactId}: ${k} expected ${String(expected[k])} got ${String(got[k])}`);
    }
  }

  const returnsNotTerminal: string[] = [];
  const returnsTerminalWithoutReason: string[] = [];
  const returnsNotAssociated: string[] = [];
  for (const r of input.returns) {
    const ledger = resumptions.get(r.contactId);
    if (!ledger || !TERMINAL.has(ledger.status)) {
      returnsNotTerminal.push(`${r.contactId} (${r.detection}): ${ledger ? ledger.status : 'no ledger record'}`);
      continue;
    }
    if (ledger.status !== 'ASSOCIATED') {
      if (!ledger.reason) returnsTerminalWithoutReason.push(`${r.contactId} (${r.detection}): ${ledger.status}`);
      returnsNotAssociated.push(`${r.contactId} (${r.detection}): ${ledger.status} ${ledger.reason ?? ''}`.trim());
    }
  }
  return { duplicateAssociations, acceptedEventsLost, lineageDifferences, returnsNotTerminal, returnsTerminalWithoutReason, returnsNotAssociated };
}
