/**
 * The Connect call budget: every resume-chat execution takes its Connect calls from one shared
 * schedule per API, so the calls are paced to a configured rate instead of colliding with Connect's
 * token bucket (per account and Region, shared by every caller: docs/sources.md#connect-api-quotas).
 *
 * Virtual scheduling (GCRA): the budget record holds `tat`, the theoretical arrival time of the next
 * call at the configured rate. A reservation at `now` gets the slot `max(now, tat - tolerance)`,
 * where `tolerance = (burst - 1) × interval` lets `burst` calls go at once after an idle period,
 * and moves `tat` on by one interval. Slots are handed out in reservation order (FIFO), each at
 * most once: the store makes the read-modify-write atomic (ChatlineStore.updateBudget).
 *
 * AIMD: a throttle that still happens means another caller uses the quota. The budget then slows
 * down multiplicatively (at most once per `burst` intervals, never below MIN_FACTOR of the rate) and
 * recovers additively, RECOVERY_PER_INTERVAL of the rate per interval without a new throttle.
 *
 * Pure: no clock, no I/O. Times are epoch milliseconds.
 */

export interface BudgetLimits {
  /** Calls per second this budget may make (the quota minus the headroom left to other callers). */
  readonly ratePerSecond: number;
  /** Calls that may go at once after an idle period. */
  readonly burst: number;
}

export interface BudgetState {
  /** Which budget: one per Connect API (the quota is per API, account and Region). */
  readonly key: string;
  /** GCRA theoretical arrival time of the next call, epoch ms. */
  readonly tat: number;
  /** AIMD: the share of the configured rate in use after the last decrease (MIN_FACTOR..1). */
  readonly factor: number;
  /** When `factor` was last decreased, epoch ms (0: never). */
  readonly decreasedAt: number;
  /** Slots handed out so far. */
  readonly reservations: number;
  /** When throttles were reported in the last minute, epoch ms (oldest first, at most MAX_THROTTLE_MARKS). */
  readonly throttles: readonly number[];
  readonly updatedAt: string;
}

/** The budget keys: one per Connect API the workflows call. */
export const BUDGET_KEYS = {
  association: 'CreatePersistentContactAssociation',
  describe: 'DescribeContact',
} as const;
export type BudgetKey = (typeof BUDGET_KEYS)[keyof typeof BUDGET_KEYS];

export const MIN_FACTOR = 0.25;
export const DECREASE_FACTOR = 0.7;
export const RECOVERY_PER_INTERVAL = 0.02;
const THROTTLE_WINDOW_MS = 60_000;
const MAX_THROTTLE_MARKS = 500;

/** A budget that has never been used. */
export function emptyBudget(key: string, nowMs: number): BudgetState {
  return { key, tat: 0, factor: 1, decreasedAt: 0, reservations: 0, throttles: [], updatedAt: new Date(nowMs).toISOString() };
}

/** The share of the rate in use at `nowMs`: the last decrease, recovered linearly since. */
export function currentFactor(state: BudgetState, limits: BudgetLimits, nowMs: number): number {
  if (state.decreasedAt === 0) return Math.min(1, state.factor);
  const intervals = (Math.max(0, nowMs - state.decreasedAt) / 1000) * limits.ratePerSecond;
  return Math.min(1, state.factor + intervals * RECOVERY_PER_INTERVAL);
}

/** Milliseconds between two calls at the rate in use. */
export function intervalMs(state: BudgetState, limits: BudgetLimits, nowMs: number): number {
  return 1000 / (limits.ratePerSecond * currentFactor(state, limits, nowMs));
}

export type Reservation =
  | { readonly granted: true; readonly state: BudgetState; readonly slots: readonly number[] }
  | { readonly granted: false; readonly state: BudgetState; readonly slotAt: number };

/**
 * Hands out the next `count` free slots. When the first would be more than `maxWaitMs` away, nothing
 * is reserved (`granted: false`, with the slot it would have had) and the state is unchanged.
 */
export function reserveSlots(
  current: BudgetState | undefined,
  key: string,
  limits: BudgetLimits,
  nowMs: number,
  count = 1,
  maxWaitMs = Number.POSITIVE_INFINITY,
): Reservation {
  const state = current ?? emptyBudget(key, nowMs);
  const t = intervalMs(state, limits, nowMs);
  const tolerance = (Math.max(1, limits.burst) - 1) * t;
  const first = Math.max(nowMs, state.tat - tolerance);
  if (first - nowMs > maxWaitMs) return { granted: false, state, slotAt: first };
  const slots: number[] = [];
  let tat = state.tat;
  for (let i = 0; i < count; i++) {
    const slot = Math.max(nowMs, tat - tolerance);
    slots.push(slot);
    tat = Math.max(tat, slot) + t;
  }
  return {
    granted: true,
    slots,
    state: { ...state, tat, reservations: state.reservations + count, throttles: recentThrottles(state, nowMs), updatedAt: new Date(nowMs).toISOString() },
  };
}

/**
 * A throttle reached chatline although it kept to the budget: someone else uses the quota. Slows
 * the budget (at most once per `burst` intervals) and remembers the throttle for the ops view.
 */
export function recordThrottle(current: BudgetState | undefined, key: string, limits: BudgetLimits, nowMs: number): BudgetState {
  const state = current ?? emptyBudget(key, nowMs);
  const factor = currentFactor(state, limits, nowMs);
  const cooldownMs = (Math.max(1, limits.burst) / limits.ratePerSecond) * 1000;
  const decrease = state.decreasedAt === 0 || nowMs - state.decreasedAt >= cooldownMs;
  const throttles = [...recentThrottles(state, nowMs), nowMs].slice(-MAX_THROTTLE_MARKS);
  return {
    ...state,
    ...(decrease ? { factor: Math.max(MIN_FACTOR, factor * DECREASE_FACTOR), decreasedAt: nowMs } : {}),
    throttles,
    updatedAt: new Date(nowMs).toISOString(),
  };
}

function recentThrottles(state: BudgetState, nowMs: number): number[] {
  return state.throttles.filter((t) => nowMs - t < THROTTLE_WINDOW_MS);
}

/** What the ops view shows of one budget. */
export interface BudgetFigures {
  readonly key: string;
  /** The configured rate (calls/s) and burst. */
  readonly configuredRatePerSecond: number;
  readonly burst: number;
  /** The rate in use now, after AIMD (calls/s). */
  readonly ratePerSecond: number;
  /** Slots handed out that are still ahead of now: returns waiting for their turn. */
  readonly queued: number;
  /** When a reservation made now would get its slot. */
  readonly nextSlotAt: string;
  readonly throttlesLastMinute: number;
  readonly reservations: number;
}

export function budgetFigures(state: BudgetState | undefined, key: string, limits: BudgetLimits, nowMs: number): BudgetFigures {
  const s = state ?? emptyBudget(key, nowMs);
  const t = intervalMs(s, limits, nowMs);
  const tolerance = (Math.max(1, limits.burst) - 1) * t;
  const ahead = (s.tat - tolerance - nowMs) / t;
  return {
    key,
    configuredRatePerSecond: limits.ratePerSecond,
    burst: limits.burst,
    ratePerSecond: round(limits.ratePerSecond * currentFactor(s, limits, nowMs)),
    queued: Math.max(0, Math.ceil(ahead - 1e-9) - 1),
    nextSlotAt: new Date(Math.max(nowMs, s.tat - tolerance)).toISOString(),
    throttlesLastMinute: recentThrottles(s, nowMs).length,
    reservations: s.reservations,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Connect's documented default quotas for the APIs chatline calls: Amazon Connect Administrator
 * Guide, "Amazon Connect service quotas", API throttling quotas (per account and Region):
 * https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 * (docs/sources.md#connect-api-quotas). An account's own values may differ (Service Quotas): configure them.
 */
export const DOCUMENTED_QUOTAS = {
  association: { ratePerSecond: 5, burst: 8 },
  describe: { ratePerSecond: 10, burst: 15 },
} as const satisfies Record<keyof typeof BUDGET_KEYS, BudgetLimits>;

/** The share of each quota left to the account's other callers (the chat widget backend, other tools). */
export const DEFAULT_HEADROOM = 0.2;

export interface BudgetConfig {
  /** false: no pacing, throttles are only retried with jitter (the design before the budget). */
  readonly enabled: boolean;
  /** What chatline's CreatePersistentContactAssociation calls may use. */
  readonly association: BudgetLimits;
  /** What gap fill's DescribeContact calls may use (their own budget). */
  readonly describe: BudgetLimits;
  /** A return that would wait longer than this for its turn is SKIPPED with that reason. */
  readonly maxWaitSeconds: number;
  /** Throttled calls, each answered with a slower budget and a new slot, before the execution fails (redrivable). */
  readonly maxThrottleRounds: number;
}

/**
 * The share of the quota's burst the budget spends after an idle period. Not all of it: the rest
 * stays in Connect's bucket as slack for calls that leave later than their slot and bunch up with
 * the next second's (a Wait Timestamp is read to the second, a Wait can wake late, an engine can be
 * busy) and for other callers' bursts. It only shapes the start of a burst: once slots are handed
 * out at the rate, the bucket refills between seconds. Chatline's calls and the other callers'
 * together use the whole rate, so the bucket keeps two slacks: what is left in it after a batch
 * (the burst not spent) absorbs calls that come together; what is free below its top before a
 * batch absorbs calls that come late (a full bucket loses its refill). 0.75 splits the two.
 * Measured (bench/burst-drain.ts, 2,000 returns at 50/s burst 80, a 20% caller, warm): 0.75
 * drained at ratio 0.965-0.968 with 0 throttled calls at load 3-4, 0.953 with 32 at load 6-7;
 * 0.875 at 0.972 with 2 throttled (load 3) and with 28 (load 6). Earlier cold measurements
 * (0.5: 0.946 with 13 throttled; 0.75: 0.953 with 37) were dominated by the local engine's new
 * HTTP connections. A burst of 1 loses burst ÷ rate seconds per burst.
 */
export const BURST_SHARE = 0.75;

/** A quota minus the headroom: the rate scaled down, and BURST_SHARE of the burst (at least 1). */
export function withHeadroom(quota: BudgetLimits, headroom: number): BudgetLimits {
  return { ratePerSecond: quota.ratePerSecond * (1 - headroom), burst: Math.max(1, Math.floor(quota.burst * BURST_SHARE)) };
}

export const DEFAULT_BUDGET_CONFIG: BudgetConfig = {
  enabled: true,
  association: withHeadroom(DOCUMENTED_QUOTAS.association, DEFAULT_HEADROOM),
  describe: withHeadroom(DOCUMENTED_QUOTAS.describe, DEFAULT_HEADROOM),
  maxWaitSeconds: 900,
  maxThrottleRounds: 5,
};

/** With the budget off, throttle rounds before the execution fails: 5 retries after the first call = the 6 attempts of the retry-only design. */
export const UNBUDGETED_THROTTLE_ROUNDS = 5;

/** A burst of returns drained against a quota another caller shares (the burst-drain benchmark's yardstick). */
export interface DrainYardstick {
  /** Returns that arrive at once. */
  readonly returns: number;
  /** The Connect quota (rate and burst) chatline and the other caller share. */
  readonly quota: BudgetLimits;
  /** The share of the quota's rate the other caller uses (0..1). */
  readonly otherShare: number;
  /** What no return may skip before its call (the late-event grace), seconds. */
  readonly leadSeconds: number;
}

/**
 * The shortest possible drain: the lead, then every return beyond the quota's burst at the rate
 * the other caller leaves. A burst no larger than the quota's burst drains in the lead alone
 * (never less: N - burst is clamped at 0).
 */
export function idealDrainSeconds(y: DrainYardstick): number {
  const rateLeft = y.quota.ratePerSecond * (1 - Math.min(1, Math.max(0, y.otherShare)));
  const beyondBurst = Math.max(0, y.returns - y.quota.burst);
  if (beyondBurst === 0) return Math.max(0, y.leadSeconds);
  return Math.max(0, y.leadSeconds) + (rateLeft > 0 ? beyondBurst / rateLeft : Number.POSITIVE_INFINITY);
}

/**
 * Ideal ÷ measured drain time, in 0..1: 1 when the drain was as fast as it can be (or faster,
 * which only rounding can make it, e.g. a small burst within the lead), 0 when it never ended.
 */
export function drainRatio(idealSeconds: number, measuredSeconds: number): number {
  if (!Number.isFinite(measuredSeconds) || !Number.isFinite(idealSeconds)) return 0;
  if (measuredSeconds <= 0 || measuredSeconds <= idealSeconds) return 1;
  return idealSeconds / measuredSeconds;
}
