/**
 * Contact events in the EventBridge format Connect uses (docs/sources.md#contact-event-format): source
 * aws.connect, detail-type "Amazon Connect Contact Event", resources [instanceArn, contactArn],
 * camelCase detail with ISO-8601 millisecond timestamps. The pipeline applies the event faults
 * (drop, duplicate, reorder, delay) before handing entries to `publish`.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CONNECT_EVENT_SOURCE, CONTACT_EVENT_DETAIL_TYPE, DEFAULT_EVENT_BUS_NAME } from '../core/constants';
import type { ContactEventType, ContactStore, SimContact } from './contacts';
import { type EventFaults, sampleMs } from './faults';
import type { Prng } from './prng';
import type { Semantics } from './semantics';

export interface ContactEventDetail {
  eventType: ContactEventType;
  contactId: string;
  initialContactId?: string;
  previousContactId?: string;
  relatedContactId?: string;
  channel: string;
  instanceArn: string;
  initiationMethod: string;
  initiationTimestamp: string;
  connectedToSystemTimestamp?: string;
  disconnectTimestamp?: string;
  queueInfo?: { queueArn: string; queueType: string; enqueueTimestamp: string };
  agentInfo?: { agentArn: string; connectedToAgentTimestamp: string };
  customerId?: string;
  tags: Record<string, string>;
}

export interface ContactEventEnvelope {
  version: '0';
  id: string;
  'detail-type': typeof CONTACT_EVENT_DETAIL_TYPE;
  source: typeof CONNECT_EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ContactEventDetail;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Build the envelope for one event from the contact's state at this moment. */
export function buildContactEvent(
  type: ContactEventType,
  c: SimContact,
  store: ContactStore,
  meta: { accountId: string; region: string; id: string; now: number; semantics: Semantics },
): ContactEventEnvelope {
  const instanceArn = store.instanceArn(c.instanceId);
  const detail: ContactEventDetail = {
    eventType: type,
    contactId: c.contactId,
    channel: c.channel,
    instanceArn,
    initiationMethod: c.initiationMethod,
    initiationTimestamp: iso(c.initiationTimestamp),
    tags: { 'aws:connect:instanceId': c.instanceId },
  };
  if (c.initialContactId !== c.contactId || meta.semantics.firstSegmentInitialContactId === 'self') {
    detail.initialContactId = c.initialContactId;
  }
  if (c.previousContactId !== undefined) detail.previousContactId = c.previousContactId;
  if (c.relatedContactId !== undefined) detail.relatedContactId = c.relatedContactId;
  if (c.connectedToSystemTimestamp !== undefined) detail.connectedToSystemTimestamp = iso(c.connectedToSystemTimestamp);
  if (c.disconnectTimestamp !== undefined) detail.disconnectTimestamp = iso(c.disconnectTimestamp);
  if (c.queue) {
    detail.queueInfo = {
      queueArn: store.queueArn(c.instanceId, c.queue),
      queueType: c.queue.type,
      enqueueTimestamp: iso(c.queue.enqueueTimestamp),
    };
  }
  if (c.agent) {
    detail.agentInfo = {
      agentArn: store.agentArn(c.instanceId, c.agent.id),
      connectedToAgentTimestamp: iso(c.agent.connectedToAgentTimestamp),
    };
  }
  if (c.customerId !== undefined) detail.customerId = c.customerId;
  return {
    version: '0',
    id: meta.id,
    'detail-type': CONTACT_EVENT_DETAIL_TYPE,
    source: CONNECT_EVENT_SOURCE,
    account: meta.accountId,
    // The envelope time has second precision in real events (docs/sources.md#contact-event-format).
    time: iso(Math.floor(meta.now / 1000) * 1000).replace('.000Z', 'Z'),
    region: meta.region,
    resources: [instanceArn, store.contactArn(c.instanceId, c.contactId)],
    detail,
  };
}

/** The PutEvents entry Connect's delivery amounts to. */
export function toPutEventsEntry(env: ContactEventEnvelope): PutEventsRequestEntry {
  return {
    Source: env.source,
    DetailType: env['detail-type'],
    Detail: JSON.stringify(env.detail),
    Resources: env.resources,
    Time: new Date(env.time),
    EventBusName: DEFAULT_EVENT_BUS_NAME,
  };
}

export type Publish = (entries: PutEventsRequestEntry[]) => Promise<void>;

/** A publish function that sends each entry with the real EventBridge client to an endpoint. */
export function eventBridgePublisher(endpoint: string, region: string): { publish: Publish; close: () => void } {
  const client = new EventBridgeClient({ endpoint, region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return {
    publish: async (entries) => {
      const out = await client.send(new PutEventsCommand({ Entries: entries }));
      if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents: ${out.FailedEntryCount} failed entries`);
    },
    close: () => client.destroy(),
  };
}

export interface EventStats {
  emitted: number;
  published: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
  publishErrors: number;
}

/** Applies event faults and publishes; keeps every emitted and every published envelope for inspection. */
export class EventPipeline {
  readonly emitted: ContactEventEnvelope[] = [];
  readonly published: ContactEventEnvelope[] = [];
  readonly stats: EventStats = { emitted: 0, published: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, publishErrors: 0 };
  private held: { env: ContactEventEnvelope; timer: NodeJS.Timeout } | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly prng: Prng,
    private readonly faults: () => EventFaults,
    private readonly publish: Publish | undefined,
    /** How many emitted/published envelopes are kept for inspection (oldest dropped first). */
    private readonly logLimit = 50_000,
  ) {}

  private keep(list: ContactEventEnvelope[], env: ContactEventEnvelope): void {
    list.push(env);
    if (list.length > this.logLimit) list.splice(0, list.length - this.logLimit);
  }

  submit(env: ContactEventEnvelope): void {
    this.keep(this.emitted, env);
    this.stats.emitted++;
    const f = this.faults();
    // Always draw the same number of values per event so that changing one rate does not shift the others.
    const drop = this.prng.next() < (f.dropRate ?? 0);
    const dup = this.prng.next() < (f.duplicateRate ?? 0);
    const reorder = this.prng.next() < (f.reorderRate ?? 0);
    const delay = sampleMs(f.delay, this.prng);
    if (drop) {
      this.stats.dropped++;
      return;
    }
    const copies = dup ? 2 : 1;
    if (dup) this.stats.duplicated++;
    const previouslyHeld = this.held;
    this.held = undefined;
    if (reorder && !previouslyHeld) {
      this.stats.reordered++;
      const timer = setTimeout(() => this.releaseHeld(), f.reorderMaxHoldMs ?? 1000);
      this.held = { env, timer };
      for (let i = 1; i < copies; i++) this.deliver(env, delay);
    } else {
      for (let i = 0; i < copies; i++) this.deliver(env, delay);
    }
    if (previouslyHeld) {
      clearTimeout(previouslyHeld.timer);
      this.deliver(previouslyHeld.env, delay);
    }
  }

  private releaseHeld(): void {
    const h = this.held;
    this.held = undefined;
    if (h) this.deliver(h.env, 0);
  }

  private deliver(env: ContactEventEnvelope, delayMs: number): void {
    if (delayMs > 0) {
      this.stats.delayed++;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(env);
      }, delayMs);
      this.timers.add(timer);
    } else {
      this.send(env);
    }
  }

  private send(env: ContactEventEnvelope): void {
    this.keep(this.published, env);
    this.stats.published++;
    if (!this.publish) return;
    const p = this.publish([toPutEventsEntry(env)]).catch(() => {
      this.stats.publishErrors++;
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Release held and delayed events now and wait for in-flight publishes. */
  async flush(): Promise<void> {
    if (this.held) {
      clearTimeout(this.held.timer);
      this.releaseHeld();
    }
    await this.waitDelayed();
    await Promise.all([...this.pending]);
  }

  private async waitDelayed(): Promise<void> {
    while (this.timers.size > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** Drop held/delayed events without publishing (close). */
  cancel(): void {
    if (this.held) clearTimeout(this.held.timer);
    this.held = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
