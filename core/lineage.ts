/**
 * The lineage log: one record per chat segment (contact), merged from contact events.
 *
 * Connect delivers events best-effort and unordered, with duplicates. The merge is therefore a
 * join: every field keeps the least (or greatest) value any event ever carried, and sets are
 * unions. Joins are commutative, associative and idempotent, so any order of the same events, with
 * any duplicates, yields the same segment (property-tested in test/unit/lineage.test.ts).
 */
import type { ContactEvent, DescribedContact } from './schemas';
import { instanceIdFromArn, parseIsoInstant } from './schemas';

export type SegmentKind = 'initial' | 'transfer' | 'survey' | 'continuation';

export interface Segment {
  readonly instanceId: string;
  readonly contactId: string;
  readonly channel?: string;
  readonly initiationMethod?: string;
  /** As Connect reports it; absent on the first segment of a session. */
  readonly initialContactId?: string;
  readonly previousContactId?: string;
  /** The persistent-chat source: set when this contact continues an earlier session. */
  readonly relatedContactId?: string;
  readonly customerId?: string;
  readonly agentArn?: string;
  readonly initiatedAt?: string;
  readonly disconnectedAt?: string;
  /** Event types seen for this contact, sorted. */
  readonly eventTypes: readonly string[];
  /** Latest event time seen (envelope `time` or detail timestamps). */
  readonly lastEventAt?: string;
}

type Mergeable = Omit<Segment, 'instanceId' | 'contactId'>;

/** The segment one event describes. */
export function segmentFromEvent(event: ContactEvent): Segment {
  const d = event.detail;
  return compact({
    instanceId: instanceIdFromArn(d.instanceArn),
    contactId: d.contactId,
    channel: d.channel,
    initiationMethod: d.initiationMethod,
    initialContactId: d.initialContactId === d.contactId ? undefined : d.initialContactId,
    previousContactId: d.previousContactId,
    relatedContactId: d.relatedContactId,
    customerId: d.customerId,
    agentArn: d.agentInfo?.agentArn,
    initiatedAt: normalizeTime(d.initiationTimestamp),
    disconnectedAt: normalizeTime(d.disconnectTimestamp ?? (isEndEvent(d.eventType) ? event.time : undefined)),
    eventTypes: [d.eventType],
    lastEventAt: normalizeTime(event.time),
  });
}

/** The segment a DescribeContact answer describes (how gaps in the event stream are filled). */
export function segmentFromDescribedContact(instanceId: string, c: DescribedContact): Segment {
  return compact({
    instanceId,
    contactId: c.Id,
    channel: c.Channel,
    initiationMethod: c.InitiationMethod,
    initialContactId: c.InitialContactId === c.Id ? undefined : c.InitialContactId,
    previousContactId: c.PreviousContactId,
    relatedContactId: c.RelatedContactId,
    customerId: c.CustomerId,
    initiatedAt: c.InitiationTimestamp,
    disconnectedAt: c.DisconnectTimestamp,
    eventTypes: [],
  });
}

function isEndEvent(eventType: string): boolean {
  return eventType === 'DISCONNECTED' || eventType === 'COMPLETED';
}

const leastFields = [
  'channel',
  'initiationMethod',
  'initialContactId',
  'previousContactId',
  'relatedContactId',
  'customerId',
  'agentArn',
  'initiatedAt',
  'disconnectedAt',
] as const satisfies readonly (keyof Mergeable)[];

/** Joins two records of the same contact. Commutative, associative, idempotent. */
export function mergeSegments(a: Segment, b: Segment): Segment {
  if (a.instanceId !== b.instanceId || a.contactId !== b.contactId) {
    throw new Error(`cannot merge ${a.instanceId}/${a.contactId} with ${b.instanceId}/${b.contactId}`);
  }
  const merged: Record<string, unknown> = { instanceId: a.instanceId, contactId: a.contactId };
  for (const field of leastFields) merged[field] = least(a[field], b[field]);
  merged['eventTypes'] = [...new Set([...a.eventTypes, ...b.eventTypes])].sort();
  merged['lastEventAt'] = greatest(a.lastEventAt, b.lastEventAt);
  return compact(merged as unknown as Segment);
}

/** Folds any number of records of one contact. */
export function mergeAll(segments: readonly Segment[]): Segment {
  const [first, ...rest] = segments;
  if (!first) throw new Error('mergeAll needs at least one segment');
  return rest.reduce(mergeSegments, first);
}

export function segmentKind(s: Segment): SegmentKind {
  if (s.initiationMethod === 'DISCONNECT') return 'survey';
  if (s.relatedContactId !== undefined && s.previousContactId === undefined) return 'continuation';
  if (s.previousContactId !== undefined || s.initiationMethod === 'TRANSFER' || s.initiationMethod === 'QUEUE_TRANSFER') {
    return 'transfer';
  }
  return 'initial';
}

/** The session a segment belongs to is named by its initial contact. */
export function sessionIdOf(s: Segment): string {
  return s.initialContactId ?? s.contactId;
}

export function isEnded(s: Segment): boolean {
  return s.disconnectedAt !== undefined;
}

/**
 * Orders a session's segments as a chain: each after its previous contact; ties and gaps by
 * initiation time, then contact id, so the order never depends on arrival.
 */
export function orderSession(segments: readonly Segment[]): Segment[] {
  const byTime = [...segments].sort(compareByStart);
  const placed = new Set<string>();
  const ids = new Set(segments.map((s) => s.contactId));
  const result: Segment[] = [];
  const place = (s: Segment): void => {
    if (placed.has(s.contactId)) return;
    placed.add(s.contactId);
    const prev = s.previousContactId;
    if (prev !== undefined && ids.has(prev)) {
      const p = byTime.find((x) => x.contactId === prev);
      if (p) place(p);
    }
    result.push(s);
  };
  byTime.forEach(place);
  return result;
}

function compareByStart(a: Segment, b: Segment): number {
  return compareOptional(a.initiatedAt, b.initiatedAt) || (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0);
}

function compareOptional(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function least<T extends string>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a <= b ? a : b;
}

function greatest<T extends string>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}

/** ISO strings compare correctly as text only in one format: normalize to `toISOString()`. */
export function normalizeTime(t: string | undefined): string | undefined {
  if (t === undefined) return undefined;
  const ms = parseIsoInstant(t);
  if (ms === undefined) return undefined;
  // Already in toISOString()'s form (YYYY-MM-DDTHH:mm:ss.sssZ, as Connect writes it): the same text.
  return t.length === 24 && t.charCodeAt(19) === 46 && t.charCodeAt(23) === 90 ? t : new Date(ms).toISOString();
}

/** Drops undefined-valued keys so records compare and serialize the same everywhere. */
export function compact<T extends object>(o: T): T {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    const value = (o as Record<string, unknown>)[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept as T;
}
