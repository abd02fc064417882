/**
 * The local EventBridge bus: PutEvents builds envelopes the way EventBridge does, rules match
 * with the same patterns the CDK stack deploys (workflows/event-patterns.ts), and each target is
 * delivered with retries; an event a target keeps refusing goes to the dead-letter store with
 * the reason, never dropped.
 */
import { randomUUID } from 'node:crypto';
import type { EventPattern } from '../core/event-pattern';
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
  readonly target: (event: EventEnvelope) => Promise<void>;
}

export interface DeadLetter {
  readonly rule: string;
  readonly reason: string;
  readonly event: EventEnvelope;
}

export interface BusOptions {
  readonly accountId: string;
  readonly region: string;
  readonly busName?: string;
  /** Attempts per target before the event is dead-lettered (EventBridge's default is 185 over 24 h). */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  readonly onDeadLetter: (letter: DeadLetter) => Promise<void>;
  /** Accepted events stay in the journal's inbox until every target took them (or dead-lettered). */
  readonly journal?: Journal;
}

/** 256 KB, the PutEvents limit for the total entry size. */
export const MAX_ENTRY_BYTES = 256 * 1024;

export class LocalEventBus {
  private readonly rules: Rule[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly observers: ((event: EventEnvelope, matchedRules: string[]) => void)[] = [];
  readonly busName: string;

  constructor(private readonly options: BusOptions) {
    this.busName = options.busName ?? 'default';
  }

  addRule(rule: { name: string; pattern: unknown; target: Rule['target'] }): void {
    this.rules.push({ name: rule.name, pattern: validateEventPattern(rule.pattern), target: rule.target });
  }

  /** PutEvents: per-entry validation and results, as EventBridge answers them. */
  async putEvents(entries: readonly PutEventsEntry[]): Promise<{ Entries: PutEventsResultEntry[]; FailedEntryCount: number }> {
    const results = entries.map((entry) => {
      const invalid = validateEntry(entry, this.busName);
      if (invalid) return invalid;
      const envelope = this.envelope(entry);
      this.accept(envelope);
      return { EventId: envelope.id };
    });
    return { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length };
  }

  /** Calls `observer` with every event the bus routes and the rules it matched (the CLI records streams with it). */
  observe(observer: (event: EventEnvelope, matchedRules: string[]) => void): void {
    this.observers.push(observer);
  }

  /** Routes an already-built envelope (a recorded event) to every matching rule's target. */
  deliver(event: EventEnvelope): string[] {
    return this.route(event).names;
  }

  /** After a restart: delivers again every accepted event whose targets had not all taken it. */
  recoverInbox(): number {
    const inbox = (this.options.journal ?? NO_JOURNAL).loadInbox();
    for (const { event } of inbox) this.accept(event as EventEnvelope, false);
    return inbox.length;
  }

  private accept(envelope: EventEnvelope, journal = true): void {
    const j = this.options.journal ?? NO_JOURNAL;
    if (journal) j.addToInbox(envelope.id, envelope);
    const { deliveries } = this.route(envelope);
    this.track(Promise.all(deliveries).then(() => j.removeFromInbox(envelope.id)));
  }

  private route(event: EventEnvelope): { names: string[]; deliveries: Promise<void>[] } {
    const matched = this.rules.filter((r) => matchesEventPattern(r.pattern, event));
    for (const observer of this.observers) observer(event, matched.map((r) => r.name));
    const deliveries = matched.map((rule) => this.deliverToTarget(rule, event));
    deliveries.forEach((d) => this.track(d));
    return { names: matched.map((r) => r.name), deliveries };
  }

  /** Resolves when every delivery in flight (and any started meanwhile) has finished. */
  async waitForIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async deliverToTarget(rule: Rule, event: EventEnvelope): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await rule.target(event);
        return;
      } catch (err) {
        lastError = err;
        if (attempt < maxAttempts) await sleep((this.options.retryDelayMs ?? 100) * 2 ** (attempt - 1));
      }
    }
    const reason = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
    await this.options.onDeadLetter({ rule: rule.name, reason: `target refused the event ${maxAttempts} times: ${reason}`, event });
  }

  private envelope(entry: PutEventsEntry): EventEnvelope {
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
      detail: JSON.parse(entry.Detail as string) as unknown,
    };
  }
}

function validateEntry(entry: PutEventsEntry, busName: string): PutEventsResultEntry | undefined {
  const fail = (ErrorCode: string, ErrorMessage: string): PutEventsResultEntry => ({ ErrorCode, ErrorMessage });
  if (!entry.Source) return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
  if (!entry.DetailType) return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
  if (entry.Detail === undefined) return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return fail('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed.');
  if (entry.EventBusName !== undefined && entry.EventBusName !== busName && !entry.EventBusName.endsWith(`:event-bus/${busName}`)) {
    return fail('ResourceNotFoundException', `Event bus ${entry.EventBusName} does not exist.`);
  }
  const size = Buffer.byteLength(JSON.stringify(entry));
  if (size > MAX_ENTRY_BYTES) return fail('EntrySizeExceeded', `Total size of the entries in the request is over the limit (${size} > ${MAX_ENTRY_BYTES} bytes).`);
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
