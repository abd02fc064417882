/**
 * The Amazon Connect simulator: a local HTTP server the real @aws-sdk/client-connect talks to
 * (restJson1 routes of the chat operations chatline uses), plus a driving API and /_sim/* control
 * routes. The Connect facts it follows: docs/sources.md#amazon-connect; README.md beside this file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../core/constants';
import { ContactStore, type SimContact, type StartChatInput } from './contacts';
import { temporaryContactArchive } from './contact-archive';
import { handleControl } from './control';
import { ConnectError } from './errors';
import { buildContactEvent, type ContactEventEnvelope, type EventStats, EventPipeline, eventBridgePublisher } from './events';
import { emptyFaults, type FaultConfig, type FaultState, mergeFaults, sampleMs } from './faults';
import { readBody, parseJsonObject, sendError, sendJson } from './http';
import { TokenStore } from './idempotency';
import { OPERATIONS } from './operations';
import { Prng } from './prng';
import { matchRoute } from './routes';
import { API_NAMES, type ApiName, resolveSemantics, type Semantics, type SemanticsOptions } from './semantics';
import { type RateLimit, Throttler } from './throttle';

export type { ApiName, SemanticsOptions } from './semantics';
export type { FaultConfig, FaultState, Distribution, EventFaults } from './faults';
export type { RateLimit } from './throttle';
export { DEFAULT_RATE_LIMITS } from './throttle';
export type { SimContact, RehydrationType, Channel, ContactEventType } from './contacts';
export type { ContactEventEnvelope, ContactEventDetail, EventStats } from './events';
export { API_NAMES } from './semantics';
export { type Clock, realClock, scaledClock, VirtualClock } from './clock';
export { runTraffic, type TrafficOptions, type TrafficReport, type ReturnInfo, type TrafficTarget } from './traffic';

export interface SimulatorOptions {
  /** Seed of every random choice (ids, faults, latency, event faults). Default 1. */
  seed?: number;
  /** A contact can be a rehydration source only this long after it ended. Default 30. */
  transcriptReadySeconds?: number;
  /**
   * Time compression (`chatline sim --speed`): transcript readiness takes 1/speed as long, as the
   * traffic's waits do. Timestamps stay wall-clock time, so a stack reading the events never sees
   * the future. Default 1.
   */
  speed?: number;
  /** Clock in ms. Default Date.now. Throttling, timestamps and token retention use it. */
  now?: () => number;
  accountId?: string;
  region?: string;
  /** Where contact events go (EventBridge PutEvents entries). Default: none (kept in events()). */
  publish?: (entries: PutEventsRequestEntry[]) => Promise<void>;
  /** Alternative to publish: PutEvents with the real EventBridge client to this endpoint. */
  eventsEndpoint?: string;
  /** Per-API token buckets; `false` disables throttling of an API. Defaults: DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<Record<ApiName, RateLimit | false>>;
  /** Turn all throttling off. */
  throttling?: boolean;
  /** Error name answered when throttled, per API. Default ThrottlingException (429) everywhere. */
  throttleErrorName?: Partial<Record<ApiName, string>>;
  /** How many emitted and published events are kept for emittedEvents()/publishedEvents(). Default 50000. */
  eventLogLimit?: number;
  /** Faults active from the start. */
  faults?: FaultConfig;
  /** The undocumented choices (see semantics.ts and README "Assumptions"). */
  semantics?: SemanticsOptions;
  /**
   * Contacts kept in memory, at most: the least recently used beyond this move to a temporary
   * SQLite file and are read back when asked for (nothing is forgotten). Default: no bound, every
   * contact in memory. The local stack bounds its built-in simulator (a replay mirrors every contact).
   */
  maxLiveContacts?: number;
}

export interface ApiStats {
  calls: number;
  succeeded: number;
  throttled: number;
  failed: number;
  /** Successful calls answered from a stored ClientToken response. */
  replayed: number;
}

export interface SimulatorStats {
  apis: Record<ApiName, ApiStats>;
  /** Persistent-chat associations committed (CPCA and StartChatContact.PersistentChat). */
  associations: number;
  /** Associations per current contact id (more than 1 would be a bug: a contact is made persistent once). */
  associationsByContact: Record<string, number>;
  /** Responses replaced by a 500 after the commit (lost-response fault). */
  lostResponses: number;
  /** 500s injected before processing (5xx fault). */
  injected5xx: number;
  /** Calls answered ThrottlingException by the throttleRate fault (also counted in the API's throttled). */
  injectedThrottles: number;
  /** Calls answered InvalidRequestException by the refuseRate fault. */
  injectedRefusals: number;
  events: EventStats;
}

export interface SimulatorConfig {
  readonly speed: number;
  /** In simulated seconds (real seconds × speed). */
  readonly transcriptReadySeconds: number;
  /** Where contact events are PutEvents'd, when they go over HTTP. */
  readonly eventsEndpoint?: string;
}

/** What the driving API's startChat takes: StartChatContact's input without segment attributes. */
export type StartChatOptions = Omit<StartChatInput, 'segmentAttributes'>;

const emptyApiStats = (): ApiStats => ({ calls: 0, succeeded: 0, throttled: 0, failed: 0, replayed: 0 });

export class ConnectSimulator {
  readonly accountId: string;
  readonly region: string;
  private readonly now: () => number;
  private readonly semantics: Semantics;
  private readonly store: ContactStore;
  private readonly tokens: TokenStore;
  private readonly throttler: Throttler;
  private readonly pipeline: EventPipeline;
  private readonly prngs: { ids: Prng; requests: Prng; faults: Prng; latency: Prng; eventIds: Prng };
  private faultState: FaultState;
  private readonly throttling: boolean;
  private readonly throttleErrorName: Partial<Record<ApiName, string>>;
  private readonly apiStats = Object.fromEntries(API_NAMES.map((a) => [a, emptyApiStats()])) as Record<ApiName, ApiStats>;
  private associations = 0;
  private readonly associationsByContact: Record<string, number> = {};
  private lostResponses = 0;
  private injected5xx = 0;
  private injectedThrottles = 0;
  private injectedRefusals = 0;
  private server: Server | undefined;
  private closeEventClient: (() => void) | undefined;
  private readonly settings: SimulatorConfig;

  constructor(options: SimulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? LOCAL_REGION;
    this.now = options.now ?? Date.now;
    const speed = options.speed ?? 1;
    this.settings = {
      speed,
      transcriptReadySeconds: options.transcriptReadySeconds ?? 30,
      ...(options.eventsEndpoint !== undefined && !options.publish ? { eventsEndpoint: options.eventsEndpoint } : {}),
    };
    this.semantics = resolveSemantics(options.semantics);
    this.prngs = {
      ids: new Prng(seed, 'ids'),
      requests: new Prng(seed, 'requests'),
      faults: new Prng(seed, 'faults'),
      latency: new Prng(seed, 'latency'),
      eventIds: new Prng(seed, 'event-ids'),
    };
    this.faultState = mergeFaults(emptyFaults(), options.faults ?? {});
    this.throttling = options.throttling ?? true;
    this.throttleErrorName = options.throttleErrorName ?? {};
    this.throttler = new Throttler(this.now, options.rateLimits ?? {});
    let publish = options.publish;
    if (!publish && options.eventsEndpoint) {
      const p = eventBridgePublisher(options.eventsEndpoint, this.region);
      publish = p.publish;
      this.closeEventClient = p.close;
    }
    this.pipeline = new EventPipeline(new Prng(seed, 'events'), () => this.faultState.events, publish, options.eventLogLimit);
    this.store = new ContactStore({
      accountId: this.accountId,
      region: this.region,
      now: this.now,
      ids: this.prngs.ids,
      semantics: this.semantics,
      ...(options.maxLiveContacts !== undefined ? { archive: temporaryContactArchive(), maxLiveContacts: options.maxLiveContacts } : {}),
      transcriptReadyMs: (this.settings.transcriptReadySeconds * 1000) / speed,
      emit: (type, c) =>
        this.pipeline.submit(
          buildContactEvent(type, c, this.store, {
            accountId: this.accountId,
            region: this.region,
            id: this.prngs.eventIds.uuid(),
            now: this.now(),
            semantics: this.semantics,
          }),
        ),
      onAssociation: (c) => {
        this.associations++;
        this.associationsByContact[c.contactId] = (this.associationsByContact[c.contactId] ?? 0) + 1;
      },
    });
    this.tokens = new TokenStore(this.now, () => this.semantics.idempotencyRetentionSeconds * 1000);
  }

  // ------------------------------------------------------------------ HTTP

  /** Handle one request whose body is already read (for mounting inside another server). */
  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const requestId = this.prngs.requests.uuid();
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const method = (req.method ?? 'GET').toUpperCase();
      if (path === '/_sim' || path.startsWith('/_sim/')) {
        const out = await handleControl(this, method, path, body);
        sendJson(res, out.status, out.body, requestId);
        return;
      }
      const route = matchRoute(method, path);
      if (!route) {
        throw new ConnectError('UnknownOperationException', `No operation matches ${method} ${path}`);
      }
      const out = await this.callApi(route.api, route.labels, body);
      sendJson(res, 200, out, requestId);
    } catch (err) {
      sendError(res, toConnectError(err), requestId);
    }
  }

  /** The request pipeline of one Connect API call: latency, throttle, 5xx, operation, lost response. */
  private async callApi(api: ApiName, labels: string[], raw: Buffer): Promise<unknown> {
    const stats = this.apiStats[api];
    stats.calls++;
    let throttled = false;
    try {
      const delay = sampleMs(this.faultState.latency, this.prngs.latency);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (this.throttling && !this.throttler.allow(api)) {
        throttled = true;
        stats.throttled++;
        throw new ConnectError(this.throttleErrorName[api] ?? 'ThrottlingException', 'Rate exceeded');
      }
      // Drawn only when a rate is set, so runs without these faults keep their seeded outcomes.
      const throttleRate = this.faultState.throttleRate[api] ?? 0;
      if (throttleRate > 0 && this.prngs.faults.next() < throttleRate) {
        throttled = true;
        stats.throttled++;
        this.injectedThrottles++;
        throw new ConnectError(this.throttleErrorName[api] ?? 'ThrottlingException', 'Rate exceeded');
      }
      const refuseRate = this.faultState.refuseRate[api] ?? 0;
      if (refuseRate > 0 && this.prngs.faults.next() < refuseRate) {
        this.injectedRefusals++;
        throw new ConnectError('InvalidRequestException', 'The request was refused (refuseRate fault)');
      }
      const apis = this.faultState.error5xxApis;
      const draw = this.prngs.faults.next();
      if ((!apis || apis.includes(api)) && draw < this.faultState.error5xxRate) {
        this.injected5xx++;
        throw new ConnectError('InternalServiceException', 'Request processing failed because of an error or failure with the service.');
      }
      let body: Record<string, unknown>;
      try {
        body = parseJsonObject(raw);
      } catch (e) {
        throw e instanceof ConnectError ? new ConnectError(this.semantics.malformedBodyError, e.message) : e;
      }
      const result = OPERATIONS[api]({ store: this.store, tokens: this.tokens, semantics: this.semantics, ids: this.prngs.ids }, labels, body);
      const lost = this.faultState.lostResponseAfterCommit[api] ?? 0;
      const lostRate = this.faultState.lostResponseRate[api] ?? 0;
      if (lost > 0 || (lostRate > 0 && this.prngs.faults.next() < lostRate)) {
        if (lost > 0) this.faultState.lostResponseAfterCommit[api] = lost - 1;
        this.lostResponses++;
        throw new ConnectError('InternalServiceException', 'Request processing failed because of an error or failure with the service.');
      }
      stats.succeeded++;
      if (result.replayed) stats.replayed++;
      return result.body;
    } catch (err) {
      if (!throttled) stats.failed++;
      throw err;
    }
  }

  /** Listen on 127.0.0.1:port (0 = ephemeral). Returns the base URL. */
  async listen(port = 0): Promise<string> {
    if (this.server) throw new Error('already listening');
    const server = createServer((req, res) => {
      readBody(req)
        .then((body) => this.handle(req, res, body))
        .catch((err: unknown) => sendError(res, toConnectError(err), this.prngs.requests.uuid()));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = server.address() as AddressInfo;
    return `http://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    this.pipeline.cancel();
    this.closeEventClient?.();
    this.store.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ driving API

  createInstance(instanceId?: string): string {
    return this.store.createInstance(instanceId);
  }

  /** Same semantics as StartChatContact (the instance is created if new). */
  async startChat(input: StartChatOptions): Promise<{ contactId: string; continuedFromContactId?: string }> {
    const out = this.store.startChat(input);
    return out.continuedFromContactId !== undefined
      ? { contactId: out.contact.contactId, continuedFromContactId: out.continuedFromContactId }
      : { contactId: out.contact.contactId };
  }

  /** An agent accepts the contact: CONNECTED_TO_AGENT. */
  async acceptContact(instanceId: string, contactId: string, agentId: string): Promise<void> {
    this.store.acceptContact(instanceId, contactId, agentId);
  }

  /** Agent transfer (quick connect): new TRANSFER contact connected to toAgentId; the old one ends. */
  async transferContact(instanceId: string, contactId: string, toAgentId: string): Promise<{ contactId: string }> {
    return { contactId: this.store.transferContact(instanceId, contactId, { agentId: toAgentId }).contactId };
  }

  /** End a contact; with survey, a DISCONNECT-flow contact starts (end it with endContact too). */
  async endContact(instanceId: string, contactId: string, opts: { survey?: boolean } = {}): Promise<{ surveyContactId?: string }> {
    const out = this.store.endContact(instanceId, contactId, opts);
    return out.survey ? { surveyContactId: out.survey.contactId } : {};
  }

  /** Create or update a contact from a recorded Connect contact event (envelope or PutEvents entry). */
  mirror(envelope: unknown): void {
    this.store.mirror(envelope);
  }

  /** Contact ids whose transcript the customer sees in this contact (not itself), newest first. */
  transcript(instanceId: string, contactId: string): string[] {
    return this.store.transcript(instanceId, contactId);
  }

  /** The simulator's view of a contact (a copy; ms timestamps). */
  contact(instanceId: string, contactId: string): SimContact | undefined {
    const c = this.store.get(instanceId, contactId);
    return c ? structuredClone(c) : undefined;
  }

  /** Every contact, in creation order. */
  contacts(): SimContact[] {
    return this.store.all().sort((a, b) => a.seq - b.seq).map((c) => structuredClone(c));
  }

  /** DescribeContact's wire body for a contact (for tests and the dashboard). */
  describe(instanceId: string, contactId: string): Record<string, unknown> {
    return OPERATIONS.DescribeContact(
      { store: this.store, tokens: this.tokens, semantics: this.semantics, ids: this.prngs.ids },
      [instanceId, contactId],
      {},
    ).body as Record<string, unknown>;
  }

  /** How it runs, for a stack pairing with it (GET /_sim/config). */
  config(): SimulatorConfig {
    return { ...this.settings };
  }

  stats(): SimulatorStats {
    return structuredClone({
      apis: this.apiStats,
      associations: this.associations,
      associationsByContact: this.associationsByContact,
      lostResponses: this.lostResponses,
      injected5xx: this.injected5xx,
      injectedThrottles: this.injectedThrottles,
      injectedRefusals: this.injectedRefusals,
      events: this.pipeline.stats,
    });
  }

  /** Every event the simulator generated, in order, before event faults. */
  emittedEvents(): ContactEventEnvelope[] {
    return structuredClone(this.pipeline.emitted);
  }

  /** Every event handed to publish, in publish order (after drop/duplicate/reorder/delay). */
  publishedEvents(): ContactEventEnvelope[] {
    return structuredClone(this.pipeline.published);
  }

  /** Release held and delayed events and wait for in-flight publishes. */
  flushEvents(): Promise<void> {
    return this.pipeline.flush();
  }

  /** Merge fault settings (keys given replace the current ones). */
  setFaults(faults: FaultConfig): FaultState {
    this.faultState = mergeFaults(this.faultState, faults);
    return this.faults();
  }

  clearFaults(): FaultState {
    this.faultState = emptyFaults();
    return this.faults();
  }

  faults(): FaultState {
    return structuredClone(this.faultState);
  }

  /** Change rate limits at run time (buckets of the APIs given restart full). */
  setRateLimits(limits: Partial<Record<ApiName, RateLimit | false>>): void {
    this.throttler.setLimits(limits);
  }

  rateLimits(): Record<ApiName, RateLimit | false> {
    return Object.fromEntries(API_NAMES.map((a) => [a, this.throttler.limitFor(a)])) as Record<ApiName, RateLimit | false>;
  }
}

function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectError('InternalServiceException', `Simulator error: ${message}`);
}
