/**
 * The store port. One interface, two adapters (SQLite locally, DynamoDB on AWS), one contract
 * test suite. Every write is conditional on a version, the local equivalent of a DynamoDB
 * conditional put: a lost race throws ConcurrentUpdateError and the caller re-reads.
 */
import type { BudgetState } from './budget';
import { ConcurrentUpdateError, InvalidCursorError } from './errors';
import type { Resumption, ResumptionStatus } from './ledger';
import type { Segment } from './lineage';
import type { ReturnIntent } from './returns';

export interface Versioned<T> {
  readonly value: T;
  /** 1 for the first write; a put expecting 0 means "must not exist". */
  readonly version: number;
}

export interface RejectedEvent {
  readonly receivedAt: string;
  readonly reason: string;
  /** The raw event, as received. */
  readonly event: unknown;
  /** Where it came from: a replay file line, a bus rule, ... */
  readonly origin?: string;
}

export interface ChatlineStore {
  /** Marks an event key processed. Resolves false when the key was already there. */
  markProcessed(key: string, at: string): Promise<boolean>;
  putRejected(rejected: RejectedEvent): Promise<void>;
  listRejected(): Promise<RejectedEvent[]>;

  getSegment(instanceId: string, contactId: string): Promise<Versioned<Segment> | undefined>;
  putSegment(segment: Segment, expectedVersion: number): Promise<void>;
  /** Segments whose session (initial contact) is `sessionId`, the initial contact included. */
  listSessionSegments(instanceId: string, sessionId: string): Promise<Segment[]>;
  listCustomerSegments(instanceId: string, customerId: string): Promise<Segment[]>;
  /**
   * Every segment of every session in which some segment names this customer: Connect puts
   * customerId on the contact that carried it (typically C1 only), so transfer and survey
   * segments are found by their session. Ordered by session, then contact.
   */
  listCustomerSessionSegments(instanceId: string, customerId: string): Promise<Segment[]>;
  listSegments(): Promise<Segment[]>;

  getIntent(instanceId: string, contactId: string): Promise<Versioned<ReturnIntent> | undefined>;
  putIntent(intent: ReturnIntent, expectedVersion: number): Promise<void>;

  getResumption(instanceId: string, contactId: string): Promise<Versioned<Resumption> | undefined>;
  putResumption(resumption: Resumption, expectedVersion: number): Promise<void>;
  listResumptions(): Promise<Resumption[]>;

  /**
   * One page of the ledger, newest return first (by `createdAt`, which never changes, so a
   * cursor stays valid while records change), filtered, with the true total of the filter.
   */
  pageResumptions(query: ResumptionQuery): Promise<ResumptionPage>;
  /** Segments with this contact id, or with this customer id, in every instance. */
  findSegments(by: { readonly contactId: string } | { readonly customerId: string }): Promise<Segment[]>;

  /**
   * The Connect call budgets (core/budget.ts). `updateBudget` is the one atomic read-modify-write a
   * reservation needs: `change` gets the current record and returns the next one (or none, to
   * leave it) with a result; two concurrent updates never both build on the same record. SQLite
   * runs it in one transaction; DynamoDB as one conditional write on the previous version, retried
   * from a fresh read when another writer won, so `change` may run more than once.
   */
  getBudget(key: string): Promise<BudgetState | undefined>;
  updateBudget<R>(key: string, change: (current: BudgetState | undefined) => BudgetChange<R>): Promise<R>;
  listBudgets(): Promise<BudgetState[]>;
}

export interface BudgetChange<R> {
  readonly next?: BudgetState;
  readonly result: R;
}

/** A filter over the ledger for the ops console and the CLI. Times are ISO-8601, compared as text. */
export interface ResumptionQuery {
  readonly statuses?: readonly ResumptionStatus[];
  /** createdAt >= since */
  readonly since?: string;
  /** createdAt < until */
  readonly until?: string;
  /** Page size, 1-1000. */
  readonly limit: number;
  /** `next` of the previous page. */
  readonly cursor?: string;
}

export interface ResumptionPage {
  readonly items: Resumption[];
  /** Records matching the filter, all pages together. */
  readonly total: number;
  /** Present when there are more: pass it as `cursor`. */
  readonly next?: string;
}

/** The keyset of a page boundary: (createdAt, instanceId, contactId), newest first. */
export interface ResumptionCursor {
  readonly createdAt: string;
  readonly instanceId: string;
  readonly contactId: string;
}

export function encodeResumptionCursor(r: ResumptionCursor): string {
  return Buffer.from(JSON.stringify([r.createdAt, r.instanceId, r.contactId]), 'utf8').toString('base64url');
}

/** Throws InvalidCursorError for anything encodeResumptionCursor did not produce. */
export function decodeResumptionCursor(cursor: string): ResumptionCursor {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === 3 && parts.every((p) => typeof p === 'string')) {
      const [createdAt, instanceId, contactId] = parts as [string, string, string];
      return { createdAt, instanceId, contactId };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError(`not a page cursor: ${JSON.stringify(cursor.slice(0, 80))}`);
}

/** Newest first: createdAt, then instance, then contact, all descending. */
export function compareResumptionsNewestFirst(a: ResumptionCursor, b: ResumptionCursor): number {
  for (const k of ['createdAt', 'instanceId', 'contactId'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? 1 : -1;
  }
  return 0;
}

/** Whether a record passes the filter part of a query (statuses and time range). */
export function matchesResumptionQuery(r: Resumption, q: Omit<ResumptionQuery, 'limit' | 'cursor'>): boolean {
  if (q.statuses && q.statuses.length > 0 && !q.statuses.includes(r.status)) return false;
  if (q.since !== undefined && r.createdAt < q.since) return false;
  if (q.until !== undefined && r.createdAt >= q.until) return false;
  return true;
}

/**
 * Read-modify-write with optimistic concurrency. `change` gets the current value (or undefined)
 * and returns the next one, or `undefined` to leave the record as it is.
 */
export async function updateVersioned<T>(
  read: () => Promise<Versioned<T> | undefined>,
  write: (value: T, expectedVersion: number) => Promise<void>,
  change: (current: T | undefined) => T | undefined,
  maxAttempts = 8,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await read();
    const next = change(current?.value);
    if (next === undefined) return current?.value;
    try {
      await write(next, current?.version ?? 0);
      return next;
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError) || attempt >= maxAttempts) throw err;
    }
  }
}
