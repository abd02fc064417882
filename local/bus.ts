/**
 * The local EventBridge bus: PutEvents builds envelopes the way EventBridge does, rules match
 * with the same patterns the CDK stack deploys (workflows/event-patterns.ts), and each target is
 * delivered with retries; an event a target keeps refusing goes to the dead-letter store with
 * the reason, never dropped.
 *
 * Durability and load: an accepted event that matches a rule is written to the journal's inbox
 * (committed before PutEvents answers) and stays there until every target has *finished* with
 * it; for the contact-events workflow that means until the Express execution it started has
 * ended, so a process killed mid-execution delivers it again on restart. Deliveries run at most
 * `maxInFlight` at a time, in arrival order; the rest wait in a queue, and PutEvents waits for
 * room when `maxQueued` events are waiting, so a flood slows its sender instead of piling up work
 * (whose latency would then exceed the workflows' own timeouts).
 */
import { randomUUID } from 'node:crypto';
import type { EventPattern } from '../core/event-pattern';
import { CONNECT_EVENT_SOURCE } from '../core/constants';
import { JsonInputError, parseJsonInput } from '../core/json-input';
import { matchesEventPattern, validateEventPattern } from '../core/event-pattern';
import type { Journal } from './sfn/journal';
import { NO_JOURNAL } from './sfn/journal';

export interface EventEnvelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  [key: string]: unknown;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: Date | string;
  EventBusName?: string;
}

export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface Rule {
  readonly name: string;
  readonly pattern: EventPattern;
  /** Resolves with what the target made of the event (the finished execution, for a workflow). */
  readonly target: (event: EventEnvelope) => Promise<unknown>;
}

export interface DeadLetter {
  readonly rule: string;
  readonly reason: string;
  readonly event: EventEnvelope;
}

/** What one rule's target did with an event. */
export type TargetOutcome =
  | { readonly rule: string; readonly result: unknown }
  | { readonly rule: string; readonly deadLettered: string }
  | { readonly rule: string; readonly suspended: true };

/** A delivery in progress: the rules the event matched, and the targets' outcomes when all are done. */
export interface Delivery {
  readonly rules: string[];
  readonly done: Promise<TargetOutcome[]>;
}

/**
 * Thrown by a target whose work was cut off by a shutdown (the engine suspended): the event is
 * neither retried nor dead-lettered, and stays in the inbox for the next start.
 */
export class DeliverySuspended extends Error {
  constructor(message = 'the engine was suspended before the target finished') {
    super(message);
    this.name = 'DeliverySuspended';
  }
}

export interface BusOptions {
  readonly accountId: string;
  readonly region: string;
  readonly busName?: string;
  /** Attempts per target before the event is dead-lettered (EventBridge's default is 185 over 24 h). */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  readonly onDeadLetter: (letter: DeadLetter) => Promise<void>;
  /** Accepted events stay in the journal's inbox until every target finished with them (or dead-lettered them). */
  readonly journal?: Journal;
  /** Deliveries running at once (default 64). */
  readonly maxInFlight?: number;
  /** Accepted events waiting for a delivery slot before PutEvents waits for room (default 2048). */
  readonly maxQueued?: number;
  /**
   * Events with the same key are delivered one after another, in arrival order (like an SQS FIFO
   * message group); others run side by side. EventBridge promises no order at all, so this is one
   * of the orders it may deliver in; the stack keys by contact, so one contact's events do not
   * race each other into optimistic-concurrency retries.
   */
  readonly partitionKey?: (event: EventEnvelope) => string | undefined;
}

/**
 * "The total entry size must be less than 256KB": EventBridge sums, over a request's entries,
 * 14 bytes for a Time plus the UTF-8 bytes of Source, DetailType, Detail and each Resources entry
 * (docs/sources.md#putevents-entry-size). The API refuses a request over it; the bus, which the
 * simulator also feeds, refuses an entry over it.
 */
export const MAX_ENTRY_BYTES = 256 * 1024;

export function putEventsEntrySize(e: Pick<PutEventsEntry, 'Source' | 'DetailType' | 'Detail' | 'Resources' | 'Time'>): number {
  const bytes = (s: string | undefined): number => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));
  return (e.Time ? 14 : 0) + bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail) + (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0);
}

interface Queued {
  readonly event: EventEnvelope;
  readonly key: string | undefined;
  readonly rules: Rule[];
  /** Whether the event is in the inbox (accepted through PutEvents or recovered from it). */
  readonly inInbox: boolean;
  readonly resolve: (outcomes: TargetOutcome[]) => void;
}

export class LocalEventBus {
  private readonly rules: Rule[] = [];
  private readonly observers: ((event: EventEnvelope, matchedRules: string[]) => void)[] = [];
  private readonly journal: Journal;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private queue: Queued[] = [];
  private head = 0;
  private inFlight = 0;
  /** Keys with a delivery in flight, and the events of that key waiting behind it. */
  private readonly busyKeys = new Map<string, Queued[]>();
  private parked = 0;
  private dispatching = true;
  private waiters: (() => void)[] = [];
  readonly busName: string;

  constructor(private readonly options: BusOptions) {
    this.busName = options.busName ?? 'default';
    this.journal = options.journal ?? NO_JOURNAL;
    this.maxInFlight = options.maxInFlight ?? 64;
    this.maxQueued = options.maxQueued ?? 2048;
  }

  addRule(rule: { name: string; pattern: unknown; target: Rule['target'] }): void {
    this.rules.push({ name: rule.name, pattern: validateEventPattern(rule.pattern), target: rule.target });
  }

  /**
   * PutEvents: per-entry validation and results, as EventBridge answers them; accepted entries are
   * durable when it resolves. `commit: false` (a caller in this process, whose own later writes
   * follow these on the same connection) leaves the commit to the write batch.
   */
  async putEvents(entries: readonly PutEventsEntry[], { commit = true }: { commit?: boolean } = {}): Promise<{ Entries: PutEventsResultEntry[]; FailedEntryCount: number }> {
    while (this.dispatching && this.queued() >= this.maxQueued) await this.change();
    const results = entries.map((entry): PutEventsResultEntry => {
      const checked = validateEntry(entry, this.busName);
      if (!('detail' in checked)) return checked;
      // One entry's failure is that entry's result: the others keep theirs (never a 500 after some were accepted).
      try {
        const envelope = this.envelope(entry, checked.detail);
        this.accept(envelope, true);
        return { EventId: envelope.id };
      } catch (err) {
        return { ErrorCode: 'InternalFailure', ErrorMessage: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
    });
    if (commit) this.journal.flush();
    return { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length };
  }

  /** Calls `observer` with every event the bus routes and the rules it matched (the CLI records streams with it). */
  observe(observer: (event: EventEnvelope, matchedRules: string[]) => void): void {
    this.observers.push(observer);
  }

  /** The names of the rules `event` matches (what a delivery of it would run), without delivering it. */
  matchingRules(event: EventEnvelope): string[] {
    return this.rules.filter((r) => matchesEventPattern(r.pattern, event)).map((r) => r.name);
  }

  /**
   * Routes an already-built envelope (a recorded event) to every matching rule's target, without
   * the inbox (replay keeps its own count of what it delivered). Queued like any other event.
   */
  deliver(event: EventEnvelope): Delivery {
    return this.accept(event, false);
  }

  /** After a restart: delivers again every accepted event whose targets had not all finished. */
  recoverInbox(): number {
    const inbox = this.journal.loadInbox();
    for (const { id, event } of inbox) {
      const delivery = this.accept(event as EventEnvelope, false, true);
      // An event no rule matches any more (rules changed between runs) has nothing to wait for.
      if (delivery.rules.length === 0) this.journal.removeFromInbox(id);
    }
    return inbox.length;
  }

  /** Events accepted and not yet finished (queued or in delivery). */
  pendingCount(): number {
    return this.queued() + this.inFlight;
  }

  /** Resolves when every delivery (and any started meanwhile) has finished. */
  async waitForIdle(): Promise<void> {
    while (this.inFlight > 0 || (this.dispatching && this.queued() > 0)) await this.change();
  }

  /**
   * Stops starting deliveries (shutdown): queued events stay in the inbox for the next start;
   * resolves once the deliveries in flight have ended (suspend the engine meanwhile, so they do).
   */
  async stopDispatching(): Promise<void> {
    this.dispatching = false;
    this.wake();
    while (this.inFlight > 0) await this.change();
  }

  /** Waiting for a slot, or behind another event of their key. */
  private queued(): number {
    return this.queue.length - this.head + this.parked;
  }

  private change(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private accept(event: EventEnvelope, journal: boolean, recovered = false): Delivery {
    const matched = this.rules.filter((r) => matchesEventPattern(r.pattern, event));
    const names = matched.map((r) => r.name);
    for (const observer of this.observers) observer(event, names);
    if (matched.length === 0) return { rules: names, done: Promise.resolve([]) };
    if (journal) this.journal.addToInbox(event.id, event);
    let resolve!: (outcomes: TargetOutcome[]) => void;
    const done = new Promise<TargetOutcome[]>((r) => (resolve = r));
    this.queue.push({ event, key: this.options.partitionKey?.(event), rules: matched, inInbox: journal || recovered, resolve });
    this.pump();
    return { rules: names, done };
  }

  private pump(): void {
    while (this.dispatching && this.inFlight < this.maxInFlight && this.head < this.queue.length) {
      const next = this.queue[this.head] as Queued;
      this.queue[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (next.key !== undefined) {
        const behind = this.busyKeys.get(next.key);
        if (behind) {
          behind.push(next); // runs when the delivery of its key ahead of it ends
          this.parked++;
          continue;
        }
        this.busyKeys.set(next.key, []);
      }
      this.start(next);
    }
  }

  private start(q: Queued): void {
    this.inFlight++;
    void this.run(q);
  }

  /** The delivery of `key` ended: its next event (if any) takes over the key, without waiting in the queue again. */
  private release(key: string | undefined): void {
    if (key === undefined) return;
    const behind = this.busyKeys.get(key);
    const next = behind?.shift();
    if (!next) {
      this.busyKeys.delete(key);
      return;
    }
    this.parked--;
    if (this.dispatching) this.start(next);
    else behind?.unshift(next);
  }

  private async run(q: Queued): Promise<void> {
    const outcomes = await Promise.all(
      q.rules.map((rule) =>
        // A dead-letter store that cannot take the event leaves it in the inbox (delivered again next start).
        this.deliverToTarget(rule, q.event).catch((): TargetOutcome => ({ rule: rule.name, suspended: true })),
      ),
    );
    if (q.inInbox && !outcomes.some((o) => 'suspended' in o)) this.journal.removeFromInbox(q.event.id);
    this.inFlight--;
    this.release(q.key);
    q.resolve(outcomes);
    this.pump();
    this.wake();
  }

  private async deliverToTarget(rule: Rule, event: EventEnvelope): Promise<TargetOutcome> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return { rule: rule.name, result: await rule.target(event) };
      } catch (err) {
        // Cut off by a shutdown, or failing while one is under way: the next start delivers it again.
        if (err instanceof DeliverySuspended || !this.dispatching) return { rule: rule.name, suspended: true };
        lastError = err;
        if (attempt < maxAttempts) await sleep((this.options.retryDelayMs ?? 100) * 2 ** (attempt - 1));
      }
    }
    const reason = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
    const deadLettered = `target refused the event ${maxAttempts} times: ${reason}`;
    await this.options.onDeadLetter({ rule: rule.name, reason: deadLettered, event });
    return { rule: rule.name, deadLettered };
  }

  private envelope(entry: PutEventsEntry, detail: object): EventEnvelope {
    const time = entry.Time === undefined ? new Date() : new Date(entry.Time);
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: this.options.accountId,
      // EventBridge envelopes carry second precision: "2021-08-29T18:39:44Z".
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail,
    };
  }
}

/** The entry's error result, or its Detail parsed (once: the envelope carries it). */
function validateEntry(entry: PutEventsEntry, busName: string): PutEventsResultEntry | { readonly detail: object } {
  const fail = (ErrorCode: string, ErrorMessage: string): PutEventsResultEntry => ({ ErrorCode, ErrorMessage });
  if (!entry.Source) return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
  if (!entry.DetailType) return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
  // "aws." sources are AWS services' own: EventBridge fails such an entry from a customer with
  // NotAuthorizedForSourceException ("Not authorized for the source", FailedEntryCount 1; seen
  // with Source "aws.aidevops" in aws-samples/serverless-patterns#3089, and "PutEvents rejects any
  // event whose source starts with the reserved aws. prefix" in prowler-cloud/prowler#12471;
  // docs/sources.md#putevents-and-aws-sources). The local stack stands in for Connect's own delivery
  // of aws.connect events (its simulator, `chatline dev`, tests and tools publish them here), so
  // that one source is accepted; every other aws.* source is failed as AWS would.
  if (entry.Source.startsWith('aws.') && entry.Source !== CONNECT_EVENT_SOURCE) {
    return fail('NotAuthorizedForSourceException', `Not authorized for the source ${entry.Source}: aws.* sources are reserved for AWS services (the local stack accepts only ${CONNECT_EVENT_SOURCE}, standing in for Connect's own events).`);
  }
  if (entry.Detail === undefined) return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
  let detail: unknown;
  try {
    detail = parseJsonInput(entry.Detail);
  } catch (err) {
    return fail('MalformedDetail', err instanceof JsonInputError && !err.reason.startsWith('not JSON') ? `Detail is malformed: ${err.reason}.` : 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed.');
  if (entry.EventBusName !== undefined && entry.EventBusName !== busName && !entry.EventBusName.endsWith(`:event-bus/${busName}`)) {
    return fail('ResourceNotFoundException', `Event bus ${entry.EventBusName} does not exist.`);
  }
  const size = putEventsEntrySize(entry);
  if (size > MAX_ENTRY_BYTES) return fail('EntrySizeExceeded', `Total size of the entries in the request is over the limit (${size} > ${MAX_ENTRY_BYTES} bytes).`);
  return { detail };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
