/**
 * Fault injection: what can go wrong, set in the options at start or at run time through
 * setFaults() / POST /_sim/faults. All draws come from seeded Prng streams, so a run with the same
 * seed, the same faults and the same call order produces the same outcomes.
 */
import type { Prng } from './prng';
import { type ApiName, isApiName } from './semantics';

/** A delay distribution in milliseconds. */
export type Distribution =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number; capMs?: number };

export function sampleMs(d: Distribution | undefined, prng: Prng): number {
  if (!d) return 0;
  switch (d.kind) {
    case 'fixed':
      return Math.max(0, d.ms);
    case 'uniform':
      return Math.max(0, prng.uniform(d.minMs, d.maxMs));
    case 'exponential': {
      const v = prng.exponential(d.meanMs);
      return Math.max(0, d.capMs !== undefined ? Math.min(v, d.capMs) : v);
    }
  }
}

export interface EventFaults {
  /** Probability an emitted contact event is never published. */
  dropRate?: number;
  /** Probability an event is published twice. */
  duplicateRate?: number;
  /** Probability an event is held back and published after the next one (or after reorderMaxHoldMs). */
  reorderRate?: number;
  reorderMaxHoldMs?: number;
  /** Delay before publishing each event. */
  delay?: Distribution;
}

export interface FaultConfig {
  /** Probability that a Connect API call answers 500 InternalServiceException before doing anything. */
  error5xxRate?: number;
  /** The APIs error5xxRate applies to (default: all). */
  error5xxApis?: ApiName[];
  /** Latency added to every Connect API call. */
  latency?: Distribution;
  /**
   * Lost response after commit: the next N successful calls of an API do their work (commit, or
   * replay a ClientToken) and then answer 500 InternalServiceException. A number means CPCA.
   */
  lostResponseAfterCommit?: number | Partial<Record<ApiName, number>>;
  /** Faults on the contact events the simulator emits. */
  events?: EventFaults;
  /**
   * Probability per API that a call answers ThrottlingException (429) before doing anything, on
   * top of (and independent of) the token buckets (chaos runs: "20% of CPCA calls throttled").
   */
  throttleRate?: Partial<Record<ApiName, number>>;
  /**
   * Probability per API that a successful call commits and then loses its response (500
   * InternalServiceException), like lostResponseAfterCommit but drawn per call.
   */
  lostResponseRate?: Partial<Record<ApiName, number>>;
  /**
   * Probability per API that a call answers 400 InvalidRequestException before doing anything: a
   * terminal refusal (what Connect answers, e.g., for a contact no longer active).
   */
  refuseRate?: Partial<Record<ApiName, number>>;
}

/** The normalized, current fault state (what GET /_sim/faults shows). */
export interface FaultState {
  error5xxRate: number;
  error5xxApis?: ApiName[];
  latency?: Distribution;
  lostResponseAfterCommit: Partial<Record<ApiName, number>>;
  events: EventFaults;
  throttleRate: Partial<Record<ApiName, number>>;
  lostResponseRate: Partial<Record<ApiName, number>>;
  refuseRate: Partial<Record<ApiName, number>>;
}

export function emptyFaults(): FaultState {
  return { error5xxRate: 0, lostResponseAfterCommit: {}, events: {}, throttleRate: {}, lostResponseRate: {}, refuseRate: {} };
}

/** Merge a partial config into the state: keys given replace, keys absent stay. */
export function mergeFaults(state: FaultState, patch: FaultConfig): FaultState {
  const next: FaultState = {
    ...state,
    lostResponseAfterCommit: { ...state.lostResponseAfterCommit },
    events: { ...state.events },
    throttleRate: { ...state.throttleRate },
    lostResponseRate: { ...state.lostResponseRate },
    refuseRate: { ...state.refuseRate },
  };
  if (patch.error5xxRate !== undefined) next.error5xxRate = patch.error5xxRate;
  if (patch.error5xxApis !== undefined) next.error5xxApis = [...patch.error5xxApis];
  if (patch.latency !== undefined) next.latency = patch.latency;
  if (patch.lostResponseAfterCommit !== undefined) {
    const l = patch.lostResponseAfterCommit;
    if (typeof l === 'number') next.lostResponseAfterCommit.CreatePersistentContactAssociation = l;
    else Object.assign(next.lostResponseAfterCommit, l);
  }
  if (patch.events !== undefined) next.events = { ...next.events, ...patch.events };
  if (patch.throttleRate !== undefined) Object.assign(next.throttleRate, patch.throttleRate);
  if (patch.lostResponseRate !== undefined) Object.assign(next.lostResponseRate, patch.lostResponseRate);
  if (patch.refuseRate !== undefined) Object.assign(next.refuseRate, patch.refuseRate);
  return next;
}

/** Validate an untrusted JSON fault config (from POST /_sim/faults or the CLI). Throws Error with a reason. */
export function parseFaultConfig(raw: unknown): FaultConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('faults must be a JSON object');
  const r = raw as Record<string, unknown>;
  const out: FaultConfig = {};
  const known = new Set(['error5xxRate', 'error5xxApis', 'latency', 'lostResponseAfterCommit', 'events', 'throttleRate', 'lostResponseRate', 'refuseRate']);
  for (const k of Object.keys(r)) if (!known.has(k)) throw new Error(`unknown fault: ${k}`);
  if (r['error5xxRate'] !== undefined) out.error5xxRate = prob(r['error5xxRate'], 'error5xxRate');
  if (r['error5xxApis'] !== undefined) {
    const v = r['error5xxApis'];
    if (!Array.isArray(v) || !v.every((x): x is ApiName => typeof x === 'string' && isApiName(x))) {
      throw new Error('error5xxApis must be a list of API names');
    }
    out.error5xxApis = v;
  }
  if (r['latency'] !== undefined) out.latency = dist(r['latency'], 'latency');
  const l = r['lostResponseAfterCommit'];
  if (l !== undefined) {
    if (typeof l === 'number') out.lostResponseAfterCommit = count(l, 'lostResponseAfterCommit');
    else if (l !== null && typeof l === 'object' && !Array.isArray(l)) {
      const m: Partial<Record<ApiName, number>> = {};
      for (const [k, v] of Object.entries(l)) {
        if (!isApiName(k)) throw new Error(`lostResponseAfterCommit: unknown API ${k}`);
        m[k] = count(v, `lostResponseAfterCommit.${k}`);
      }
      out.lostResponseAfterCommit = m;
    } else throw new Error('lostResponseAfterCommit must be a number or an object of API -> count');
  }
  if (r['throttleRate'] !== undefined) out.throttleRate = rates(r['throttleRate'], 'throttleRate');
  if (r['lostResponseRate'] !== undefined) out.lostResponseRate = rates(r['lostResponseRate'], 'lostResponseRate');
  if (r['refuseRate'] !== undefined) out.refuseRate = rates(r['refuseRate'], 'refuseRate');
  const e = r['events'];
  if (e !== undefined) {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) throw new Error('events must be an object');
    const ev = e as Record<string, unknown>;
    const ef: EventFaults = {};
    for (const k of Object.keys(ev)) {
      if (!['dropRate', 'duplicateRate', 'reorderRate', 'reorderMaxHoldMs', 'delay'].includes(k)) throw new Error(`unknown event fault: ${k}`);
    }
    if (ev['dropRate'] !== undefined) ef.dropRate = prob(ev['dropRate'], 'events.dropRate');
    if (ev['duplicateRate'] !== undefined) ef.duplicateRate = prob(ev['duplicateRate'], 'events.duplicateRate');
    if (ev['reorderRate'] !== undefined) ef.reorderRate = prob(ev['reorderRate'], 'events.reorderRate');
    if (ev['reorderMaxHoldMs'] !== undefined) ef.reorderMaxHoldMs = count(ev['reorderMaxHoldMs'], 'events.reorderMaxHoldMs');
    if (ev['delay'] !== undefined) ef.delay = dist(ev['delay'], 'events.delay');
    out.events = ef;
  }
  return out;
}

function rates(v: unknown, name: string): Partial<Record<ApiName, number>> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${name} must be an object of API -> probability`);
  const m: Partial<Record<ApiName, number>> = {};
  for (const [k, p] of Object.entries(v)) {
    if (!isApiName(k)) throw new Error(`${name}: unknown API ${k}`);
    m[k] = prob(p, `${name}.${k}`);
  }
  return m;
}

function num(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
}

function prob(v: unknown, name: string): number {
  const n = num(v, name);
  if (n > 1) throw new Error(`${name} must be between 0 and 1`);
  return n;
}

function count(v: unknown, name: string): number {
  const n = num(v, name);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer`);
  return n;
}

function dist(v: unknown, name: string): Distribution {
  if (typeof v === 'number') return { kind: 'fixed', ms: num(v, name) };
  if (v === null || typeof v !== 'object') throw new Error(`${name} must be a number (ms) or a distribution`);
  const d = v as Record<string, unknown>;
  switch (d['kind']) {
    case 'fixed':
      return { kind: 'fixed', ms: num(d['ms'], `${name}.ms`) };
    case 'uniform': {
      const minMs = num(d['minMs'], `${name}.minMs`);
      const maxMs = num(d['maxMs'], `${name}.maxMs`);
      if (maxMs < minMs) throw new Error(`${name}: maxMs < minMs`);
      return { kind: 'uniform', minMs, maxMs };
    }
    case 'exponential':
      return d['capMs'] !== undefined
        ? { kind: 'exponential', meanMs: num(d['meanMs'], `${name}.meanMs`), capMs: num(d['capMs'], `${name}.capMs`) }
        : { kind: 'exponential', meanMs: num(d['meanMs'], `${name}.meanMs`) };
    default:
      throw new Error(`${name}.kind must be fixed, uniform or exponential`);
  }
}
