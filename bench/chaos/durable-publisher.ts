/**
 * The harness's stand-in for EventBridge's durability: every entry is kept until a PutEvents
 * accepts it (an EventId and no ErrorCode), retried with backoff while the stack is down or
 * refuses an entry. So an event the simulator emitted is never lost by the harness; an accepted
 * entry that never reaches the store is the stack's fault.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_REGION } from '../../core/constants';

export interface DurablePublisherOptions {
  readonly endpoint: string;
  /** Concurrent PutEvents calls. */
  readonly senders?: number;
  /** Called after each accepted batch with the accepted entries (before the next batch is sent). */
  readonly onAccepted?: (entries: readonly PutEventsRequestEntry[]) => Promise<void> | void;
}

const BATCH = 10; // PutEvents takes at most 10 entries.

export class DurablePublisher {
  private readonly client: EventBridgeClient;
  private readonly queue: PutEventsRequestEntry[] = [];
  private readonly senders: number;
  private running = 0;
  private paused: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  acceptedCount = 0;
  failedCalls = 0;
  refusedEntries = 0;

  constructor(private readonly options: DurablePublisherOptions) {
    // maxAttempts 1: the publisher does its own retries, and keeps the entries meanwhile.
    this.client = new EventBridgeClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    this.senders = options.senders ?? 4;
  }

  publish(entries: readonly PutEventsRequestEntry[]): void {
    this.queue.push(...entries);
    while (this.running < this.senders && this.queue.length > 0) void this.sender();
  }

  /** Holds new sends until `until` settles (the stack is being killed and restarted). */
  pauseWhile(until: Promise<void>): void {
    this.paused = until.finally(() => (this.paused = undefined));
  }

  /** Resolves once every entry handed over so far was accepted. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async sender(): Promise<void> {
    this.running++;
    let backoffMs = 20;
    try {
      while (this.queue.length > 0) {
        if (this.paused) await this.paused;
        const batch = this.queue.splice(0, BATCH);
        if (batch.length === 0) break;
        let retry: PutEventsRequestEntry[] = batch;
        try {
          const out = await this.client.send(new PutEventsCommand({ Entries: batch }));
          const results = out.Entries ?? [];
          const accepted = batch.filter((_, i) => results[i]?.EventId !== undefined && results[i]?.ErrorCode === undefined);
          retry = batch.filter((_, i) => !(results[i]?.EventId !== undefined && results[i]?.ErrorCode === undefined));
          this.refusedEntries += retry.length;
          this.acceptedCount += accepted.length;
          if (accepted.length > 0) await this.options.onAccepted?.(accepted);
        } catch {
          this.failedCalls++;
        }
        if (retry.length > 0) {
          this.queue.unshift(...retry);
          await new Promise((r) => setTimeout(r, backoffMs));
          backoffMs = Math.min(backoffMs * 2, 1000);
        } else backoffMs = 20;
      }
    } finally {
      this.running--;
      if (this.running === 0 && this.queue.length === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}
