/**
 * The store port. One interface, two adapters (SQLite locally, DynamoDB on AWS), one contract
 * test suite. Every write is conditional on a version, the local equivalent of a DynamoDB
 * conditional put: a lost race throws ConcurrentUpdateError and the caller re-reads.
 */
import type { BudgetState } from './budget';
import { ConcurrentUpdateError } from './errors';
import type { Resumption } from './ledger';
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
  listSegments(): Promise<Segment[]>;

  getIntent(instanceId: string, contactId: string): Promise<Versioned<ReturnIntent> | undefined>;
  putIntent(intent: ReturnIntent, expectedVersion: number): Promise<void>;

  getResumption(instanceId: string, contactId: string): Promise<Versioned<Resumption> | undefined>;
  putResumption(resumption: Resumption, expectedVersion: number): Promise<void>;
  listResumptions(): Promise<Resumption[]>;

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
