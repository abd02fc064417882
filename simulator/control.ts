/**
 * /_sim/* control and inspection routes (JSON in, JSON out; errors in the same envelope as the
 * Connect routes). They call the simulator's driving API; they are never throttled or faulted.
 *
 *   GET    /_sim/stats                                   stats()
 *   GET    /_sim/config                                  config(): speed, transcript readiness, events endpoint
 *   GET    /_sim/faults | POST (merge) | DELETE (clear)   fault state
 *   GET    /_sim/rate-limits | POST (merge)              token-bucket limits
 *   POST   /_sim/instances            {instanceId?}      -> {instanceId}
 *   POST   /_sim/chats                {instanceId, customerId?, displayName?, persistentChat?, relatedContactId?, attributes?}
 *   GET    /_sim/contacts                                every contact
 *   GET    /_sim/contacts/{i}/{c}                        the simulator's view of a contact
 *   GET    /_sim/contacts/{i}/{c}/transcript             {contactId, visibleTranscript}
 *   POST   /_sim/contacts/{i}/{c}/accept   {agentId}
 *   POST   /_sim/contacts/{i}/{c}/transfer {toAgentId}   -> {contactId}
 *   POST   /_sim/contacts/{i}/{c}/end      {survey?}     -> {surveyContactId?}
 *   POST   /_sim/contacts/{i}/{c}/survey                 end with a post-chat survey
 *   POST   /_sim/mirror               envelope | [envelopes] | {events:[...]} -> {mirrored}
 *   GET    /_sim/events                                  {emitted, published}
 *   POST   /_sim/events/flush
 */
import type { ConnectSimulator, StartChatOptions } from './index';
import { REHYDRATION_TYPES } from './contacts';
import { ConnectError, invalidParameter } from './errors';
import { parseFaultConfig } from './faults';
import { parseJsonValue, pathSegments } from './http';
import { isApiName, type ApiName } from './semantics';
import type { RateLimit } from './throttle';

export interface ControlResult {
  status: number;
  body: unknown;
}

const ok = (body: unknown = {}): ControlResult => ({ status: 200, body });


function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalidParameter('The body must be a JSON object');
  return v as Record<string, unknown>;
}

/**
 * Bounds on what a control request may carry, the lengths Connect's model gives its members
 * (InstanceId 1-100, ContactId 1-256, CustomerId 1-128, DisplayName 1-256; attributes at most
 * 32 KB in all) and counts that keep one request's work small.
 */
export const CONTROL_LIMITS = { maxId: 256, maxInstanceId: 100, maxCustomerId: 128, maxAttributeBytes: 32 * 1024, maxMirrored: 1000, maxListed: 10_000, maxRate: 1_000_000 } as const;

const MAX_LENGTH: Readonly<Record<string, number>> = { instanceId: CONTROL_LIMITS.maxInstanceId, customerId: CONTROL_LIMITS.maxCustomerId };

function bounded(k: string, v: string): string {
  const max = MAX_LENGTH[k] ?? CONTROL_LIMITS.maxId;
  if (v.length > max) throw invalidParameter(`${k} must be at most ${max} characters`);
  return v;
}

function reqStr(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw invalidParameter(`${k} (string) is required`);
  return bounded(k, v);
}

function optStr(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`${k} must be a string`);
  return bounded(k, v);
}

/** At most `max` items, saying so when the list was cut. */
function listed<T>(name: string, items: readonly T[], max = CONTROL_LIMITS.maxListed): Record<string, unknown> {
  return items.length > max ? { [name]: items.slice(0, max), truncated: true } : { [name]: items };
}

function startChatInput(o: Record<string, unknown>): StartChatOptions {
  const input: StartChatOptions = { instanceId: reqStr(o, 'instanceId') };
  const customerId = optStr(o, 'customerId');
  if (customerId !== undefined) input.customerId = customerId;
  const displayName = optStr(o, 'displayName');
  if (displayName !== undefined) input.displayName = displayName;
  const relatedContactId = optStr(o, 'relatedContactId');
  if (relatedContactId !== undefined) input.relatedContactId = relatedContactId;
  if (o['persistentChat'] !== undefined) {
    const pc = asObject(o['persistentChat']);
    const t = reqStr(pc, 'rehydrationType');
    const type = REHYDRATION_TYPES.find((x) => x === t);
    if (!type) throw invalidParameter(`rehydrationType must be one of ${REHYDRATION_TYPES.join(', ')}`);
    input.persistentChat = { rehydrationType: type, sourceContactId: reqStr(pc, 'sourceContactId') };
  }
  if (o['attributes'] !== undefined) {
    const a = asObject(o['attributes']);
    const attributes: Record<string, string> = {};
    let bytes = 0;
    for (const [k, v] of Object.entries(a)) {
      if (typeof v !== 'string') throw invalidParameter(`attributes.${k} must be a string`);
      bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
      if (bytes > CONTROL_LIMITS.maxAttributeBytes) throw invalidParameter(`attributes must be at most ${CONTROL_LIMITS.maxAttributeBytes} bytes in all`);
      attributes[k] = v;
    }
    input.attributes = attributes;
  }
  return input;
}

function parseRateLimits(v: unknown): Partial<Record<ApiName, RateLimit | false>> {
  const o = asObject(v);
  const out: Partial<Record<ApiName, RateLimit | false>> = {};
  for (const [k, raw] of Object.entries(o)) {
    if (!isApiName(k)) throw invalidParameter(`unknown API ${k}`);
    if (raw === false) {
      out[k] = false;
      continue;
    }
    const l = asObject(raw);
    const rate = l['rate'];
    const burst = l['burst'];
    if (typeof rate !== 'number' || typeof burst !== 'number' || !(rate >= 0 && rate <= CONTROL_LIMITS.maxRate) || !(burst >= 1 && burst <= CONTROL_LIMITS.maxRate)) {
      throw invalidParameter(`${k}: {rate in [0, ${CONTROL_LIMITS.maxRate}], burst in [1, ${CONTROL_LIMITS.maxRate}]} or false`);
    }
    out[k] = { rate, burst };
  }
  return out;
}

export async function handleControl(sim: ConnectSimulator, method: string, path: string, raw: Buffer): Promise<ControlResult> {
  const segs = pathSegments(path)?.slice(1);
  if (!segs) throw invalidParameter('Malformed path');
  const route = `${method} ${segs.map((s, i) => (segs[0] === 'contacts' && (i === 1 || i === 2) ? '*' : s)).join('/')}`;
  const instanceId = segs[1] ?? '';
  const contactId = segs[2] ?? '';
  switch (route) {
    case 'GET stats':
      return ok(sim.stats());
    case 'GET config':
      return ok(sim.config());
    case 'GET faults':
      return ok(sim.faults());
    case 'POST faults': {
      try {
        return ok(sim.setFaults(parseFaultConfig(parseJsonValue(raw))));
      } catch (e) {
        if (e instanceof ConnectError) throw e;
        throw invalidParameter(e instanceof Error ? e.message : String(e));
      }
    }
    case 'DELETE faults':
      return ok(sim.clearFaults());
    case 'GET rate-limits':
      return ok(sim.rateLimits());
    case 'POST rate-limits':
      sim.setRateLimits(parseRateLimits(parseJsonValue(raw)));
      return ok(sim.rateLimits());
    case 'POST instances': {
      const o = asObject(parseJsonValue(raw));
      return ok({ instanceId: sim.createInstance(optStr(o, 'instanceId')) });
    }
    case 'POST chats':
      return ok(await sim.startChat(startChatInput(asObject(parseJsonValue(raw)))));
    case 'GET contacts':
      return ok(listed('contacts', sim.contacts()));
    case 'GET contacts/*/*': {
      const c = sim.contact(instanceId, contactId);
      if (!c) throw new ConnectError('ResourceNotFoundException', `Contact not found: ${contactId}`);
      return ok(c);
    }
    case 'GET contacts/*/*/transcript':
      return ok({ contactId, visibleTranscript: sim.transcript(instanceId, contactId) });
    case 'POST contacts/*/*/accept': {
      const o = asObject(parseJsonValue(raw));
      await sim.acceptContact(instanceId, contactId, reqStr(o, 'agentId'));
      return ok();
    }
    case 'POST contacts/*/*/transfer': {
      const o = asObject(parseJsonValue(raw));
      return ok(await sim.transferContact(instanceId, contactId, reqStr(o, 'toAgentId')));
    }
    case 'POST contacts/*/*/end': {
      const o = asObject(parseJsonValue(raw));
      const survey = o['survey'];
      if (survey !== undefined && typeof survey !== 'boolean') throw invalidParameter('survey must be a boolean');
      return ok(await sim.endContact(instanceId, contactId, { survey: survey === true }));
    }
    case 'POST contacts/*/*/survey':
      return ok(await sim.endContact(instanceId, contactId, { survey: true }));
    case 'POST mirror': {
      const v = parseJsonValue(raw);
      const list = Array.isArray(v) ? v : Array.isArray(asObject(v)['events']) ? (asObject(v)['events'] as unknown[]) : [v];
      if (list.length > CONTROL_LIMITS.maxMirrored) throw invalidParameter(`at most ${CONTROL_LIMITS.maxMirrored} events per mirror request`);
      for (const e of list) sim.mirror(e);
      return ok({ mirrored: list.length });
    }
    case 'GET events':
      return ok({ emitted: sim.emittedEvents(), published: sim.publishedEvents() });
    case 'POST events/flush':
      await sim.flushEvents();
      return ok();
    default:
      throw new ConnectError('UnknownOperationException', `No control route matches ${method} ${path}`);
  }
}
