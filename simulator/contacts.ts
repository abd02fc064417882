/**
 * The contacts model: instances, contacts, sessions (chains of segments), persistent-chat
 * associations and the transcript each contact sees. No HTTP here; the wire routes and the
 * driving API both call into this. Semantics: docs/sources.md#persistent-chat-semantics.
 */
import type { ContactArchive } from './contact-table';
import { ContactTable } from './contact-table';
import { ConnectError, invalidRequest, notFound } from './errors';
import type { Prng } from './prng';
import type { Semantics } from './semantics';

export type Channel = 'VOICE' | 'CHAT' | 'TASK' | 'EMAIL';
export type RehydrationType = 'ENTIRE_PAST_SESSION' | 'FROM_SEGMENT';
export const REHYDRATION_TYPES: readonly RehydrationType[] = ['ENTIRE_PAST_SESSION', 'FROM_SEGMENT'];

export type ContactEventType =
  | 'INITIATED'
  | 'CONNECTED_TO_SYSTEM'
  | 'QUEUED'
  | 'CONNECTED_TO_AGENT'
  | 'DISCONNECTED'
  | 'COMPLETED';

export interface QueueState {
  id: string;
  type: 'STANDARD' | 'AGENT';
  enqueueTimestamp: number;
}

/** The simulator's view of one contact (all timestamps in ms since the epoch). */
export interface SimContact {
  instanceId: string;
  contactId: string;
  channel: Channel;
  initiationMethod: string;
  initialContactId: string;
  previousContactId?: string;
  /** RelatedContactId as DescribeContact shows it (persistent source, or StartChatContact.RelatedContactId). */
  relatedContactId?: string;
  /** Set when the contact was made persistent: the segment it continues from (ContinuedFromContactId). */
  continuedFromContactId?: string;
  nextContactId?: string;
  customerId?: string;
  displayName?: string;
  initiationTimestamp: number;
  connectedToSystemTimestamp?: number;
  lastUpdateTimestamp: number;
  queue?: QueueState;
  agent?: { id: string; connectedToAgentTimestamp: number };
  disconnectTimestamp?: number;
  transferCount: number;
  attributes: Record<string, string>;
  segmentAttributes: Record<string, { ValueString?: string }>;
  /** Built from a recorded event stream by mirror(). */
  mirrored: boolean;
  /** Creation order, to break ties between equal timestamps. */
  seq: number;
}

export interface StartChatInput {
  instanceId: string;
  customerId?: string;
  displayName?: string;
  persistentChat?: { rehydrationType: RehydrationType; sourceContactId: string };
  relatedContactId?: string;
  attributes?: Record<string, string>;
  segmentAttributes?: Record<string, { ValueString?: string }>;
}

export interface ContactStoreConfig {
  accountId: string;
  region: string;
  now: () => number;
  ids: Prng;
  semantics: Semantics;
  transcriptReadyMs: number;
  emit: (type: ContactEventType, contact: SimContact) => void;
  onAssociation: (contact: SimContact) => void;
  /** Where contacts beyond `maxLiveContacts` go (default: none, every contact stays in memory). */
  archive?: ContactArchive;
  maxLiveContacts?: number;
}

export const DEFAULT_QUEUE_ID = 'sim-basic-queue';

export class ContactStore {
  private readonly contacts: ContactTable;
  private seq = 0;

  constructor(private readonly cfg: ContactStoreConfig) {
    this.contacts = new ContactTable(cfg.archive, cfg.maxLiveContacts);
  }

  instanceArn(instanceId: string): string {
    return `arn:aws:connect:${this.cfg.region}:${this.cfg.accountId}:instance/${instanceId}`;
  }

  contactArn(instanceId: string, contactId: string): string {
    return `${this.instanceArn(instanceId)}/contact/${contactId}`;
  }

  agentArn(instanceId: string, agentId: string): string {
    return `${this.instanceArn(instanceId)}/agent/${agentId}`;
  }

  queueArn(instanceId: string, q: QueueState): string {
    return q.type === 'AGENT'
      ? `${this.instanceArn(instanceId)}/queue/agent/${q.id}`
      : `${this.instanceArn(instanceId)}/queue/${q.id}`;
  }

  createInstance(instanceId?: string): string {
    const id = instanceId ?? this.cfg.ids.uuid();
    this.contacts.createInstance(id);
    return id;
  }

  hasInstance(instanceId: string): boolean {
    return this.contacts.hasInstance(instanceId);
  }

  get(instanceId: string, contactId: string): SimContact | undefined {
    return this.contacts.get(instanceId, contactId);
  }

  /**
   * 404 ResourceNotFoundException for an unknown instance or contact
   * (docs/sources.md#what-the-documentation-leaves-open).
   */
  require(instanceId: string, contactId: string, what = 'Contact'): SimContact {
    this.requireInstance(instanceId);
    const c = this.contacts.get(instanceId, contactId);
    if (!c) throw notFound(`${what} not found: ${contactId}`);
    return c;
  }

  requireInstance(instanceId: string): void {
    if (!this.contacts.hasInstance(instanceId)) throw notFound(`Instance not found: ${instanceId}`);
  }

  all(): SimContact[] {
    return this.contacts.all();
  }

  /** Closes the contacts' archive, if any. */
  close(): void {
    this.contacts.close();
  }

  isActive(c: SimContact): boolean {
    return c.disconnectTimestamp === undefined;
  }

  /** Contacts of the session (same initial contact), oldest first. */
  session(c: SimContact): SimContact[] {
    if (!this.contacts.hasInstance(c.instanceId)) return [c];
    return this.contacts.session(c.instanceId, c.initialContactId).sort((a, b) => a.seq - b.seq);
  }

  // ---------------------------------------------------------------- lifecycle (driving API)

  private newContact(instanceId: string, fields: Partial<SimContact> & { initiationMethod: string }): SimContact {
    this.createInstance(instanceId);
    const now = this.cfg.now();
    const contactId = fields.contactId ?? this.cfg.ids.uuid();
    const c: SimContact = {
      instanceId,
      contactId,
      channel: 'CHAT',
      initialContactId: contactId,
      initiationTimestamp: now,
      lastUpdateTimestamp: now,
      transferCount: 0,
      attributes: {},
      segmentAttributes: {},
      mirrored: false,
      seq: ++this.seq,
      ...fields,
    };
    this.contacts.add(c);
    return c;
  }

  /** StartChatContact semantics. Validation of shapes is the caller's job; this checks state. */
  startChat(input: StartChatInput): { contact: SimContact; continuedFromContactId?: string } {
    if (input.persistentChat && input.relatedContactId !== undefined) {
      throw new ConnectError(
        this.cfg.semantics.persistentAndRelatedError,
        'You cannot provide data for both RelatedContactId and PersistentChat',
      );
    }
    this.createInstance(input.instanceId);
    let from: SimContact | undefined;
    let related: SimContact | undefined;
    if (input.persistentChat) {
      from = this.resolveSource(input.instanceId, input.persistentChat.rehydrationType, input.persistentChat.sourceContactId);
    } else if (input.relatedContactId !== undefined) {
      related = this.require(input.instanceId, input.relatedContactId, 'Related contact');
    }
    const now = this.cfg.now();
    const c = this.newContact(input.instanceId, {
      initiationMethod: 'API',
      ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      // "This new contact contains a copy of the contact properties from the related contact."
      attributes: { ...(related?.attributes ?? {}), ...(input.attributes ?? {}) },
      segmentAttributes: { ...(input.segmentAttributes ?? {}) },
    });
    if (related) c.relatedContactId = related.contactId;
    if (from) this.commitAssociation(c, from);
    this.cfg.emit('INITIATED', c);
    c.connectedToSystemTimestamp = now;
    this.cfg.emit('CONNECTED_TO_SYSTEM', c);
    c.queue = { id: DEFAULT_QUEUE_ID, type: 'STANDARD', enqueueTimestamp: now };
    this.cfg.emit('QUEUED', c);
    return from ? { contact: c, continuedFromContactId: from.contactId } : { contact: c };
  }

  acceptContact(instanceId: string, contactId: string, agentId: string): SimContact {
    const c = this.require(instanceId, contactId);
    if (!this.isActive(c)) throw invalidRequest(`Contact ${contactId} is not active`);
    if (c.agent) throw invalidRequest(`Contact ${contactId} is already connected to an agent`);
    const now = this.cfg.now();
    c.agent = { id: agentId, connectedToAgentTimestamp: now };
    c.lastUpdateTimestamp = now;
    this.cfg.emit('CONNECTED_TO_AGENT', c);
    return c;
  }

  /**
   * Transfer: a new contact (initiationMethod TRANSFER, previousContactId = old,
   * initialContactId = the session's initial) queued to the target; the old one is disconnected.
   * With an agent target the new contact is connected to that agent at once (quick-connect transfer).
   */
  transferContact(
    instanceId: string,
    contactId: string,
    target: { agentId?: string; queueId?: string; connect?: boolean },
  ): SimContact {
    const old = this.require(instanceId, contactId);
    if (!this.isActive(old)) throw invalidRequest(`Contact ${contactId} is not active`);
    if (old.transferCount >= this.cfg.semantics.maxTransfers) {
      throw new ConnectError('ServiceQuotaExceededException', 'A contact cannot be transferred more than ' + this.cfg.semantics.maxTransfers + ' times');
    }
    this.disconnect(old);
    const now = this.cfg.now();
    const c = this.followOn(old, 'TRANSFER', { transferCount: old.transferCount + 1 });
    c.queue = target.agentId !== undefined
      ? { id: target.agentId, type: 'AGENT', enqueueTimestamp: now }
      : { id: target.queueId ?? DEFAULT_QUEUE_ID, type: 'STANDARD', enqueueTimestamp: now };
    this.cfg.emit('QUEUED', c);
    if (target.agentId !== undefined && target.connect !== false) {
      c.agent = { id: target.agentId, connectedToAgentTimestamp: now };
      this.cfg.emit('CONNECTED_TO_AGENT', c);
    }
    return c;
  }

  /**
   * End a contact. With survey, a disconnect-flow contact (initiationMethod DISCONNECT,
   * previousContactId = the ended one) starts and stays active until it is ended itself.
   */
  endContact(instanceId: string, contactId: string, opts: { survey?: boolean } = {}): { ended: SimContact; survey?: SimContact } {
    const c = this.require(instanceId, contactId);
    if (!this.isActive(c)) throw invalidRequest(`Contact ${contactId} is not active`);
    this.disconnect(c);
    if (!opts.survey) return { ended: c };
    return { ended: c, survey: this.followOn(c, 'DISCONNECT') };
  }

  /**
   * The next segment of a session (a transfer, or the disconnect flow's survey): same initial
   * contact, previous = `prev`, its attributes and customer carried over; INITIATED and
   * CONNECTED_TO_SYSTEM emitted.
   */
  private followOn(prev: SimContact, initiationMethod: 'TRANSFER' | 'DISCONNECT', extra: Partial<SimContact> = {}): SimContact {
    const next = this.newContact(prev.instanceId, {
      initiationMethod,
      initialContactId: prev.initialContactId,
      previousContactId: prev.contactId,
      attributes: { ...prev.attributes },
      ...(prev.customerId !== undefined ? { customerId: prev.customerId } : {}),
      ...(prev.displayName !== undefined ? { displayName: prev.displayName } : {}),
      ...extra,
    });
    prev.nextContactId = next.contactId;
    this.cfg.emit('INITIATED', next);
    next.connectedToSystemTimestamp = this.cfg.now();
    this.cfg.emit('CONNECTED_TO_SYSTEM', next);
    return next;
  }

  private disconnect(c: SimContact): void {
    const now = this.cfg.now();
    c.disconnectTimestamp = now;
    c.lastUpdateTimestamp = now;
    this.cfg.emit('DISCONNECTED', c);
    this.cfg.emit('COMPLETED', c);
  }

  // ---------------------------------------------------------------- persistent chat

  /**
   * Which past contact a new chat would continue from (docs/sources.md#rehydration-types), with
   * every state check.
   * ENTIRE_PAST_SESSION: the most recently ended contact of the source's session (all of it ended);
   * FROM_SEGMENT: the source itself (ended). Either way, ended at least transcriptReadySeconds ago.
   */
  resolveSource(instanceId: string, type: RehydrationType, sourceContactId: string, current?: SimContact): SimContact {
    const source = this.require(instanceId, sourceContactId, 'Source contact');
    const sem = this.cfg.semantics;
    if (source.channel !== 'CHAT') {
      throw new ConnectError(sem.notChatError, `Source contact ${sourceContactId} is not a CHAT contact`);
    }
    if (current && sem.sameSessionSource === 'reject' && current.initialContactId === source.initialContactId) {
      throw invalidRequest('The source contact belongs to the current contact\'s session');
    }
    let from: SimContact;
    if (type === 'ENTIRE_PAST_SESSION') {
      if (sem.entirePastSessionSource === 'reject' && source.initialContactId !== source.contactId) {
        throw invalidRequest('For ENTIRE_PAST_SESSION, SourceContactId must be the initial contact of the past session');
      }
      const session = this.session(source);
      if (session.some((x) => this.isActive(x))) {
        throw new ConnectError(sem.sourceNotReadyError, `The past chat session of ${sourceContactId} has not ended`);
      }
      // Most recently ended; ties (same ms, or a mirrored stream) go to the later segment of the chain.
      const sorted = [...session].sort(
        (a, b) =>
          (b.disconnectTimestamp ?? 0) - (a.disconnectTimestamp ?? 0) ||
          b.initiationTimestamp - a.initiationTimestamp ||
          this.depth(b) - this.depth(a) ||
          b.seq - a.seq,
      );
      from = sorted[0] ?? source;
    } else {
      if (this.isActive(source)) {
        throw new ConnectError(sem.sourceNotReadyError, `Source contact ${sourceContactId} has not ended`);
      }
      from = source;
    }
    const endedAt = from.disconnectTimestamp ?? 0;
    if (this.cfg.now() - endedAt < this.cfg.transcriptReadyMs) {
      throw new ConnectError(
        sem.sourceNotReadyError,
        `The transcript of contact ${from.contactId} is not available yet; retry after it has been ended for ${this.cfg.transcriptReadyMs / 1000} seconds`,
      );
    }
    return from;
  }

  /** Position in the session chain (0 for the initial contact). */
  private depth(c: SimContact): number {
    let d = 0;
    const seen = new Set<string>([c.contactId]);
    let cur = c.previousContactId !== undefined ? this.get(c.instanceId, c.previousContactId) : undefined;
    while (cur && !seen.has(cur.contactId)) {
      seen.add(cur.contactId);
      d++;
      cur = cur.previousContactId !== undefined ? this.get(c.instanceId, cur.previousContactId) : undefined;
    }
    return d;
  }

  /** CreatePersistentContactAssociation state checks and commit. Returns ContinuedFromContactId. */
  associate(instanceId: string, initialContactId: string, type: RehydrationType, sourceContactId: string): string {
    const current = this.checkAssociable(instanceId, initialContactId, sourceContactId);
    const from = this.resolveSource(instanceId, type, sourceContactId, current);
    this.commitAssociation(current, from);
    return from.contactId;
  }

  /** The checks of the current contact (and that the source exists) an association runs before it resolves the source. */
  checkAssociable(instanceId: string, initialContactId: string, sourceContactId: string): SimContact {
    this.requireInstance(instanceId);
    const current = this.require(instanceId, initialContactId, 'Contact');
    this.require(instanceId, sourceContactId, 'Source contact');
    const sem = this.cfg.semantics;
    if (current.channel !== 'CHAT') {
      throw new ConnectError(sem.notChatError, `Contact ${initialContactId} is not a CHAT contact`);
    }
    if (!this.isActive(current)) throw invalidRequest(`Contact ${initialContactId} is not active`);
    if (current.continuedFromContactId !== undefined) {
      throw new ConnectError(sem.alreadyPersistentError, `Contact ${initialContactId} is already a persistent chat`);
    }
    return current;
  }

  private commitAssociation(current: SimContact, from: SimContact): void {
    current.continuedFromContactId = from.contactId;
    current.relatedContactId = from.contactId;
    current.lastUpdateTimestamp = this.cfg.now();
    this.cfg.onAssociation(current);
  }

  /**
   * Contact ids whose transcript the customer sees in this contact, newest first: the contact's
   * own earlier segments, and, for each persistent segment, what its continued-from contact saw
   * (linkages are cumulative). The contact itself is not listed.
   */
  transcript(instanceId: string, contactId: string): string[] {
    const c = this.require(instanceId, contactId);
    return this.history(c, new Set()).filter((id) => id !== contactId);
  }

  private history(c: SimContact, seen: Set<string>): string[] {
    const chain: SimContact[] = [];
    let cur: SimContact | undefined = c;
    while (cur && !seen.has(cur.contactId)) {
      seen.add(cur.contactId);
      chain.push(cur);
      cur = cur.previousContactId !== undefined ? this.get(c.instanceId, cur.previousContactId) : undefined;
    }
    const out = chain.map((x) => x.contactId);
    for (const x of chain) {
      if (x.continuedFromContactId === undefined) continue;
      const from = this.get(c.instanceId, x.continuedFromContactId);
      if (from && !seen.has(from.contactId)) out.push(...this.history(from, seen));
    }
    return out;
  }

  // ---------------------------------------------------------------- mirror

  /** Build or update a contact from a recorded Connect contact event (no events are emitted). */
  mirror(envelope: unknown): SimContact {
    const { detail, time } = readEnvelope(envelope);
    const contactId = str(detail['contactId']);
    const instanceArn = str(detail['instanceArn']);
    const tags = obj(detail['tags']);
    const instanceId = str(tags?.['aws:connect:instanceId']) ?? instanceArn?.split('/').pop();
    if (contactId === undefined || instanceId === undefined || instanceId === '') {
      throw invalidRequest('mirror: the event needs detail.contactId and detail.instanceArn (or tags aws:connect:instanceId)');
    }
    this.createInstance(instanceId);
    const eventType = str(detail['eventType']);
    const initiation = ts(detail['initiationTimestamp']) ?? time ?? this.cfg.now();
    const c = this.get(instanceId, contactId) ?? this.newContact(instanceId, { contactId, initiationMethod: 'API', initiationTimestamp: initiation, lastUpdateTimestamp: initiation, mirrored: true });
    c.mirrored = true;
    const channel = str(detail['channel']);
    if (channel === 'VOICE' || channel === 'CHAT' || channel === 'TASK' || channel === 'EMAIL') c.channel = channel;
    const method = str(detail['initiationMethod']);
    if (method !== undefined) c.initiationMethod = method;
    c.initialContactId = str(detail['initialContactId']) ?? c.initialContactId;
    const prev = str(detail['previousContactId']);
    if (prev !== undefined) {
      c.previousContactId = prev;
      const p = this.get(instanceId, prev);
      if (p) p.nextContactId = c.contactId;
    }
    const related = str(detail['relatedContactId']);
    if (related !== undefined) {
      c.relatedContactId = related;
      if (this.cfg.semantics.mirrorRelatedAsPersistent && c.channel === 'CHAT') c.continuedFromContactId = related;
    }
    const customerId = str(detail['customerId']);
    if (customerId !== undefined) c.customerId = customerId;
    if (ts(detail['initiationTimestamp']) !== undefined) c.initiationTimestamp = initiation;
    const cts = ts(detail['connectedToSystemTimestamp']);
    if (cts !== undefined) c.connectedToSystemTimestamp = cts;
    const queueInfo = obj(detail['queueInfo']);
    const queueArn = str(queueInfo?.['queueArn']);
    if (queueArn !== undefined) {
      c.queue = {
        id: queueArn.split('/').pop() ?? queueArn,
        type: str(queueInfo?.['queueType']) === 'AGENT' ? 'AGENT' : 'STANDARD',
        enqueueTimestamp: ts(queueInfo?.['enqueueTimestamp']) ?? time ?? initiation,
      };
    }
    const agentInfo = obj(detail['agentInfo']);
    const agentArn = str(agentInfo?.['agentArn']);
    if (agentArn !== undefined) {
      c.agent = {
        id: agentArn.split('/').pop() ?? agentArn,
        connectedToAgentTimestamp: ts(agentInfo?.['connectedToAgentTimestamp']) ?? time ?? initiation,
      };
    }
    const dts = ts(detail['disconnectTimestamp']);
    if (dts !== undefined) c.disconnectTimestamp = dts;
    else if ((eventType === 'DISCONNECTED' || eventType === 'COMPLETED') && c.disconnectTimestamp === undefined) {
      c.disconnectTimestamp = time ?? this.cfg.now();
    }
    c.lastUpdateTimestamp = Math.max(c.lastUpdateTimestamp, time ?? c.lastUpdateTimestamp, c.disconnectTimestamp ?? 0);
    return c;
  }
}

function readEnvelope(envelope: unknown): { detail: Record<string, unknown>; time?: number } {
  const env = obj(envelope);
  if (!env) throw invalidRequest('mirror: the event must be a JSON object');
  let detail = obj(env['detail']);
  if (!detail && typeof env['Detail'] === 'string') {
    try {
      detail = obj(JSON.parse(env['Detail']));
    } catch {
      detail = undefined;
    }
  }
  if (!detail) throw invalidRequest('mirror: the event has no detail');
  const rawTime = env['time'] ?? env['Time'];
  const time = rawTime instanceof Date ? rawTime.getTime() : ts(rawTime);
  return time === undefined ? { detail } : { detail, time };
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function ts(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}
