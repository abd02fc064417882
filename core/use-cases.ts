/**
 * The three workflow steps, as domain functions over the store port. Handlers (Lambda or the local
 * engine) are thin adapters over these; nothing here knows about AWS, files or HTTP.
 */
import { RESUMPTION_DETAIL_TYPES } from './constants';
import { ConnectThrottledError, ConnectUnavailableError, InvalidEventError } from './errors';
import { dedupKey, resumeExecutionName } from './identifiers';
import type { Outcome, Resumption } from './ledger';
import { applyOutcome } from './ledger';
import type { Segment } from './lineage';
import { compact, isEnded, mergeSegments, segmentFromDescribedContact, segmentFromEvent, sessionIdOf } from './lineage';
import type { BudgetConfig } from './budget';
import { BUDGET_KEYS, DEFAULT_BUDGET_CONFIG, recordThrottle, reserveSlots, UNBUDGETED_THROTTLE_ROUNDS } from './budget';
import type { PlannerConfig, ResumptionPlan } from './planner';
import { ceilToSecond, gapsToDescribe, planResumption } from './planner';
import type { ReturnIntent } from './returns';
import { detectReturns, mergeIntents } from './returns';
import { describeIssues, describedContactSchema, parseInputEvent } from './schemas';
import type { ChatlineStore, Versioned } from './store';
import { updateVersioned } from './store';

export interface Deps {
  readonly store: ChatlineStore;
  readonly now: () => Date;
}

export interface ResumeTarget {
  readonly instanceId: string;
  readonly contactId: string;
}

/** One resume-chat execution to start: a deterministic name, so starting it twice starts it once. */
export interface ResumeRequest {
  readonly name: string;
  readonly input: ResumeTarget;
}

export interface RecordResult {
  readonly outcome: 'recorded' | 'duplicate';
  /**
   * The returns this event reveals (empty when none): the event's own contact, and any newer
   * chat of the same customer that was waiting for this past session's end to be recorded.
   */
  readonly resumes: readonly ResumeRequest[];
}

/** RecordContactEvent: validate, merge into the lineage log, detect a return. */
export async function recordContactEvent(deps: Deps, raw: unknown, origin?: string): Promise<RecordResult> {
  const at = deps.now().toISOString();
  let input;
  try {
    input = parseInputEvent(raw);
  } catch (err) {
    if (err instanceof InvalidEventError) {
      await deps.store.putRejected(compact({ receivedAt: at, reason: err.reason, event: raw, origin }));
    }
    throw err;
  }
  if (input.kind === 'returned') {
    const d = input.event.detail;
    const intent: ReturnIntent = compact({
      instanceId: d.instanceId,
      contactId: d.contactId,
      via: 'app' as const,
      previousContactId: d.previousContactId,
      customerId: d.customerId,
      policy: d.rehydration,
      detectedAt: at,
    });
    const first = await deps.store.markProcessed(dedupKey(input), at);
    await upsertIntent(deps.store, intent);
    return { outcome: first ? 'recorded' : 'duplicate', resumes: [resumeRequest(intent)] };
  }
  const segment = await upsertSegment(deps.store, segmentFromEvent(input.event));
  const first = await deps.store.markProcessed(dedupKey(input), at);
  const outcome = first ? 'recorded' : 'duplicate';
  const returns = await returnsRevealedBy(deps.store, segment);
  const resumes: ResumeRequest[] = [];
  for (const contact of returns) {
    const intent: ReturnIntent = { instanceId: contact.instanceId, contactId: contact.contactId, via: 'auto', customerId: contact.customerId as string, detectedAt: at };
    await upsertIntent(deps.store, intent);
    resumes.push(resumeRequest(intent));
  }
  return { outcome, resumes };
}

/**
 * Re-evaluates detection for the customer whose segments `segment` just changed, so the result
 * does not depend on which of "the new chat started" and "the past session ended" was processed
 * first. The event's own contact is returned whenever it is a return (a duplicate start is
 * harmless); other contacts only while no resumption is recorded for them yet (once planned, the
 * ledger holds them). Transfer and survey segments often lack customerId: the session names it.
 *
 * On DynamoDB the customer and session queries read a GSI, which is eventually consistent: a
 * stale read can miss the other side of the race. Each side re-checks when it is recorded, so a
 * return missed by the stale read of one side is caught by the read of the other (the segment
 * just written is always taken from the conditional write, never from the index).
 */
async function returnsRevealedBy(store: ChatlineStore, segment: Segment): Promise<Segment[]> {
  const customerId = segment.customerId ?? (await store.listSessionSegments(segment.instanceId, sessionIdOf(segment))).map((s) => s.customerId).find((c) => c !== undefined);
  if (customerId === undefined) return [];
  const listed = await store.listCustomerSessionSegments(segment.instanceId, customerId);
  const segments = [...listed.filter((s) => s.contactId !== segment.contactId), segment];
  const returns: Segment[] = [];
  for (const contact of detectReturns(segments)) {
    if (contact.contactId === segment.contactId || !(await store.getResumption(contact.instanceId, contact.contactId))) returns.push(contact);
  }
  return returns;
}

function resumeRequest(t: ResumeTarget): ResumeRequest {
  return { name: resumeExecutionName(t.instanceId, t.contactId), input: { instanceId: t.instanceId, contactId: t.contactId } };
}

/** Joins `value` into the stored record (conditional write); writes nothing when the join changes nothing. */
async function upsertJoined<T>(
  read: () => Promise<Versioned<T> | undefined>,
  write: (value: T, expectedVersion: number) => Promise<void>,
  join: (a: T, b: T) => T,
  value: T,
): Promise<T> {
  const joined = await updateVersioned(read, write, (current) => {
    const next = current ? join(current, value) : value;
    return current && sameJson(next, current) ? undefined : next;
  });
  return joined ?? value;
}

/** Whether two JSON records hold the same value (key order aside): a join that changed nothing. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(b, key) || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

export function upsertSegment(store: ChatlineStore, segment: Segment): Promise<Segment> {
  return upsertJoined(() => store.getSegment(segment.instanceId, segment.contactId), (v, n) => store.putSegment(v, n), mergeSegments, segment);
}

function upsertIntent(store: ChatlineStore, intent: ReturnIntent): Promise<ReturnIntent> {
  return upsertJoined(() => store.getIntent(intent.instanceId, intent.contactId), (v, n) => store.putIntent(v, n), mergeIntents, intent);
}

export interface PlanStepInput extends ResumeTarget {
  /** Set by ReportThrottle: the association was throttled although it kept to the budget. */
  readonly throttled?: boolean;
  /** Set by ConfirmTurn: the slot has come, the call is about to go (see confirmTurn). */
  readonly confirm?: boolean;
  /**
   * Set by ReportConnectFailure: the association's transient errors (or its timeout) outlasted the
   * Associate state's retries (the Step Functions error output).
   */
  readonly unavailable?: { readonly Error?: string; readonly Cause?: string };
  /**
   * Set by FillGapsOrSkip: the past session stayed not ready through PlanResumption's retries
   * (the PastSessionNotReadyError output).
   */
  readonly notReady?: { readonly Error?: string; readonly Cause?: string };
  /**
   * Set by RecordConnectFailure: Connect kept refusing (a `verify` plan's failure) and
   * DescribeContact did not show the association either.
   */
  readonly connectFailure?: ConnectFailure;
}

/** Why the association is about to be recorded FAILED, unless DescribeContact shows it committed. */
export interface ConnectFailure {
  /** The typed error RecordConnectFailure fails the execution with (its ASL error name). */
  readonly error: ConnectThrottledError['name'] | ConnectUnavailableError['name'];
  readonly message: string;
}

/** What resume-chat does next. `associate` and `describe` carry the slots their calls wait for. */
export type StepPlan =
  | { readonly action: 'associate'; readonly plan: ResumptionPlan; readonly slotAt: string }
  | { readonly action: 'describe'; readonly contactIds: readonly string[]; readonly items: readonly { readonly contactId: string; readonly slotAt: string }[] }
  | { readonly action: 'skip'; readonly reason: string }
  /**
   * Connect kept refusing, yet an earlier call may have committed and lost its answer: ask
   * DescribeContact before the ledger says FAILED (VerifyAssociation, then RecordConnectFailure).
   */
  | { readonly action: 'verify'; readonly failure: ConnectFailure }
  | { readonly action: 'done'; readonly status: Resumption['status'] };

export type PlanStepResult = ResumeTarget & { readonly plan: StepPlan };

export interface PlanStepDeps extends Deps {
  readonly config: PlannerConfig;
  /** @default DEFAULT_BUDGET_CONFIG */
  readonly budget?: BudgetConfig;
  /** For the retry-only jitter when the budget is off. @default Math.random */
  readonly random?: () => number;
}

/**
 * PlanResumption: reuse the stored plan if there is one; otherwise plan and store it once, with
 * a conditional write, so every retry and every duplicate execution sends the same ClientToken.
 * A plan ready to go then takes its turn: a slot reserved from the shared Connect call budget.
 */
export async function planStep(deps: PlanStepDeps, input: PlanStepInput): Promise<PlanStepResult> {
  const { store } = deps;
  const target = { instanceId: input.instanceId, contactId: input.contactId };
  if (input.confirm === true) return { ...target, plan: await confirmTurn(deps, target) };
  if (input.notReady !== undefined) return { ...target, plan: await fillGapsOrSkip(deps, target, input.notReady) };
  const reopening = input.throttled === true || input.unavailable !== undefined || input.connectFailure !== undefined;
  const existing = await store.getResumption(target.instanceId, target.contactId);
  if (existing) {
    const r = existing.value;
    if (r.plan && r.status === 'PLANNED') {
      if (input.connectFailure !== undefined) return recordConnectFailure(deps, target, input.connectFailure);
      if (input.unavailable !== undefined) return { ...target, plan: verifyUnavailable(target, input.unavailable) };
      return { ...target, plan: await takeTurn(deps, target, r.plan, input.throttled === true) };
    }
    // A redrive of the execution that failed at RecordConnectFailure (the ledger FAILED, the plan
    // kept): PLANNED again, a new turn, the same ClientToken. (Executions of the earlier
    // definition failed at ReportThrottle or ReportConnectFailure: their redrive lands here too.)
    if (r.plan && r.status === 'FAILED' && reopening) {
      const reopened = await updateVersioned(
        () => store.getResumption(target.instanceId, target.contactId),
        (value, version) => store.putResumption(value, version),
        (current) => (current?.status === 'FAILED' && current.plan ? applyOutcome(target, current, { status: 'PLANNED', plan: current.plan }, deps.now()) : undefined),
      );
      if (reopened?.status === 'PLANNED' && reopened.plan) return { ...target, plan: await takeTurn(deps, target, reopened.plan, false) };
    }
    return { ...target, plan: { action: 'done', status: r.status } };
  }
  const intent = (await store.getIntent(target.instanceId, target.contactId))?.value;
  if (!intent) return { ...target, plan: { action: 'skip', reason: `no return was recorded for contact ${target.contactId}` } };
  const newContact = (await store.getSegment(target.instanceId, target.contactId))?.value;
  const candidates = await candidatesFor(store, intent);
  const decision = planResumption(compact({ intent, newContact, candidates, now: deps.now(), config: deps.config }));
  if (decision.action === 'describe') return { ...target, plan: await describeTurns(deps, decision.contactIds) };
  if (decision.action !== 'associate') return { ...target, plan: decision };
  const stored = await updateVersioned(
    () => store.getResumption(target.instanceId, target.contactId),
    (value, version) => store.putResumption(value, version),
    (current) => (current ? undefined : applyOutcome(target, undefined, { status: 'PLANNED', plan: decision.plan, via: intent.via }, deps.now())),
  );
  if (stored && (stored.status !== 'PLANNED' || !stored.plan)) return { ...target, plan: { action: 'done', status: stored.status } };
  return { ...target, plan: await takeTurn(deps, target, stored?.plan ?? decision.plan, false) };
}

/**
 * ReportConnectFailure: Connect's transient errors (or its silence: a timeout) outlasted the
 * Associate state's retries. Any of those calls may have committed, so DescribeContact is asked
 * first (the `verify` plan); see recordConnectFailure for what follows when it shows nothing.
 */
function verifyUnavailable(target: ResumeTarget, error: NonNullable<PlanStepInput['unavailable']>): StepPlan {
  const message = `CreatePersistentContactAssociation for ${target.contactId} still failed after the Associate state's retries (${describeError(error)}); redrive the execution to try again with the same ClientToken`;
  return { action: 'verify', failure: { error: 'ConnectUnavailableError', message } };
}

/**
 * RecordConnectFailure: Connect kept refusing and DescribeContact shows no association. The ledger
 * says FAILED with the reason (so no reader ever sees a failed return as PLANNED), the plan kept,
 * and the typed error fails the execution here: a redrive continues here and takes a new turn with
 * the same ClientToken.
 */
async function recordConnectFailure(deps: PlanStepDeps, target: ResumeTarget, failure: ConnectFailure): Promise<never> {
  const err = failure.error === 'ConnectThrottledError' ? new ConnectThrottledError(failure.message) : new ConnectUnavailableError(failure.message);
  await recordFailedKeepingPlan(deps, target, `${err.name}: ${err.message}`);
  throw err;
}

/** PLANNED → FAILED with `reason`, the plan and its ClientToken kept for a redrive; the throttled rounds start again. */
async function recordFailedKeepingPlan(deps: PlanStepDeps, target: ResumeTarget, reason: string): Promise<void> {
  await updateVersioned(
    () => deps.store.getResumption(target.instanceId, target.contactId),
    (value, version) => deps.store.putResumption(value, version),
    (current) => (current?.status === 'PLANNED' ? { ...applyOutcome(target, current, { status: 'FAILED', reason }, deps.now()), throttleRounds: 0 } : undefined),
  );
}

/**
 * The association's turn: skipped without a call when the new chat has already ended (the lineage
 * has its DISCONNECTED) or when its slot is further away than the wait limit; after a throttle,
 * the budget slows down (AIMD) and the call gets a new slot, up to maxThrottleRounds times, then
 * DescribeContact is asked whether an earlier call committed (`verify`) before the ledger says
 * FAILED and ConnectThrottledError fails the execution (RecordConnectFailure, redrivable).
 * With the budget off the slot is now, or a full-jitter backoff after a throttle (retry only).
 */
async function takeTurn(deps: PlanStepDeps, target: ResumeTarget, plan: ResumptionPlan, throttled: boolean): Promise<StepPlan> {
  const { store } = deps;
  const budget = deps.budget ?? DEFAULT_BUDGET_CONFIG;
  const newContact = (await store.getSegment(target.instanceId, target.contactId))?.value;
  // Only while no call was made: an earlier attempt may have committed and lost its response
  // (attempts > 0), and then the same ClientToken must go again (Connect replays what it committed).
  if (newContact && isEnded(newContact) && !(((await store.getResumption(target.instanceId, target.contactId))?.value?.attempts ?? 0) > 0)) {
    return { action: 'skip', reason: `new chat ${target.contactId} ended (DISCONNECTED at ${newContact.disconnectedAt}) before its turn to be associated` };
  }
  let rounds = 0;
  if (throttled) {
    const record = await updateVersioned(
      () => store.getResumption(target.instanceId, target.contactId),
      (value, version) => store.putResumption(value, version),
      (current) => (current ? { ...current, throttleRounds: (current.throttleRounds ?? 0) + 1, updatedAt: deps.now().toISOString() } : undefined),
    );
    rounds = record?.throttleRounds ?? 1;
    const max = budget.enabled ? budget.maxThrottleRounds : UNBUDGETED_THROTTLE_ROUNDS;
    if (rounds > max) {
      const message = `CreatePersistentContactAssociation for ${target.contactId} was still throttled after ${max} throttled rounds${budget.enabled ? ' at the budget’s pace' : ' of retries (budget off)'}: another caller may be using the quota; redrive the execution to try again with the same ClientToken`;
      return { action: 'verify', failure: { error: 'ConnectThrottledError', message } };
    }
  }
  const nowMs = deps.now().getTime();
  // The turn is taken from notBefore on (transcripts ready, late events' grace over), not earlier.
  const fromMs = Math.max(nowMs, Date.parse(plan.notBefore) || 0);
  if (!budget.enabled) {
    const backoffMs = throttled ? (deps.random ?? Math.random)() * Math.min(30, 2 ** (rounds - 1)) * 1000 : 0;
    return { action: 'associate', plan, slotAt: slotTime(fromMs + backoffMs) };
  }
  const key = BUDGET_KEYS.association;
  const limits = budget.association;
  type Turn = { readonly slotAt: number } | { readonly overAt: number };
  const turn = await store.updateBudget<Turn>(key, (current) => {
    const base = throttled ? recordThrottle(current, key, limits, nowMs) : current;
    const r = reserveSlots(base, key, limits, fromMs, 1, budget.maxWaitSeconds * 1000);
    return r.granted ? { next: r.state, result: { slotAt: r.slots[0] as number } } : { ...(throttled ? { next: base } : {}), result: { overAt: r.slotAt } };
  });
  if ('overAt' in turn) {
    const waitS = Math.ceil((turn.overAt - fromMs) / 1000);
    return { action: 'skip', reason: `would wait ${waitS} s for its turn in the CreatePersistentContactAssociation budget (${limits.ratePerSecond}/s), over the limit of ${budget.maxWaitSeconds} s` };
  }
  return { action: 'associate', plan, slotAt: slotTime(turn.slotAt) };
}

/**
 * A slot as the Wait state's Timestamp: up to the whole second, since Step Functions truncates a
 * Timestamp's milliseconds and would otherwise let the call go before its slot.
 */
function slotTime(ms: number): string {
  return ceilToSecond(new Date(ms).toISOString());
}

/**
 * ConfirmTurn, after the wait for the slot: the plan was made at once (the late-event grace folded
 * into its slot), so what arrived during the wait is looked at now, before the Connect call.
 *  - The new chat ended meanwhile (the lineage has its DISCONNECTED): SKIPPED with that reason,
 *    no call (Connect would refuse it as not active, and it is not a failure).
 *  - The app's own return event arrived after the automatic detection (it wins, as in
 *    mergeIntents): the plan is made again from it, once, and stored before any call is made.
 *  - Otherwise the stored plan, unchanged: the same ClientToken as before.
 */
async function confirmTurn(deps: PlanStepDeps, target: ResumeTarget): Promise<StepPlan> {
  const { store } = deps;
  const record = (await store.getResumption(target.instanceId, target.contactId))?.value;
  if (!record || record.status !== 'PLANNED' || !record.plan) return { action: 'done', status: record?.status ?? 'PLANNED' };
  const newContact = (await store.getSegment(target.instanceId, target.contactId))?.value;
  // Only while no call was made (attempts 0): after a 500 or a lost response the association may
  // be committed, so the same ClientToken goes again; Connect replays it, or answers "not active".
  if (newContact && isEnded(newContact) && record.attempts === 0) {
    return { action: 'skip', reason: `new chat ${target.contactId} ended (DISCONNECTED at ${newContact.disconnectedAt}) while it waited for its turn to be associated; no Connect call was made` };
  }
  const slotAt = deps.now().toISOString();
  const intent = (await store.getIntent(target.instanceId, target.contactId))?.value;
  if (!intent || intent.via !== 'app' || record.via === 'app' || record.attempts > 0) return { action: 'associate', plan: record.plan, slotAt };
  let decision;
  try {
    decision = planResumption(compact({ intent, newContact, candidates: await candidatesFor(store, intent), now: deps.now(), config: deps.config }));
  } catch {
    return { action: 'associate', plan: record.plan, slotAt }; // the app's past contact is not known: keep the automatic plan
  }
  if (decision.action !== 'associate') return decision.action === 'skip' ? decision : { action: 'associate', plan: record.plan, slotAt };
  const stored = await updateVersioned(
    () => store.getResumption(target.instanceId, target.contactId),
    (value, version) => store.putResumption(value, version),
    (current) => (current?.status === 'PLANNED' && current.via !== 'app' ? { ...current, plan: decision.plan, via: 'app' as const, updatedAt: deps.now().toISOString() } : undefined),
  );
  const latest = stored ?? (await store.getResumption(target.instanceId, target.contactId))?.value;
  if (!latest || latest.status !== 'PLANNED' || !latest.plan) return { action: 'done', status: latest?.status ?? 'PLANNED' };
  return { action: 'associate', plan: latest.plan, slotAt };
}

/**
 * FillGapsOrSkip, when the past session stayed not ready through PlanResumption's retries: a
 * return is never SKIPPED as not ready before its gaps were asked of Connect. The retries' full
 * jitter can run out before the gap-fill delay has passed; then the gaps are described now (and
 * PlanResumption, with its retries, runs again). Once they were, SKIPPED with the not-ready reason.
 */
async function fillGapsOrSkip(deps: PlanStepDeps, target: ResumeTarget, notReady: NonNullable<PlanStepInput['notReady']>): Promise<StepPlan> {
  const { store } = deps;
  const existing = (await store.getResumption(target.instanceId, target.contactId))?.value;
  if (existing) return { action: 'done', status: existing.status };
  const skip = { action: 'skip' as const, reason: describeError(notReady) };
  const intent = (await store.getIntent(target.instanceId, target.contactId))?.value;
  if (!intent) return skip;
  const newContact = (await store.getSegment(target.instanceId, target.contactId))?.value;
  const gaps = gapsToDescribe(compact({ intent, newContact, candidates: await candidatesFor(store, intent), now: deps.now(), config: deps.config }), { now: true });
  return gaps.length === 0 ? skip : describeTurns(deps, gaps);
}

/** Gap fill's DescribeContact calls, each with its slot in the DescribeContact budget (its own). */
async function describeTurns(deps: PlanStepDeps, contactIds: readonly string[]): Promise<StepPlan> {
  const budget = deps.budget ?? DEFAULT_BUDGET_CONFIG;
  const nowMs = deps.now().getTime();
  let slots: readonly number[] = contactIds.map(() => nowMs);
  if (budget.enabled && contactIds.length > 0) {
    const key = BUDGET_KEYS.describe;
    slots = await deps.store.updateBudget(key, (current) => {
      const r = reserveSlots(current, key, budget.describe, nowMs, contactIds.length);
      return r.granted ? { next: r.state, result: r.slots } : { result: contactIds.map(() => nowMs) };
    });
  }
  return { action: 'describe', contactIds, items: contactIds.map((contactId, i) => ({ contactId, slotAt: slotTime(slots[i] ?? nowMs) })) };
}

async function candidatesFor(store: ChatlineStore, intent: ReturnIntent): Promise<Segment[]> {
  if (intent.previousContactId !== undefined) {
    const named = (await store.getSegment(intent.instanceId, intent.previousContactId))?.value;
    return named ? store.listSessionSegments(intent.instanceId, sessionIdOf(named)) : [];
  }
  return intent.customerId === undefined ? [] : store.listCustomerSessionSegments(intent.instanceId, intent.customerId);
}

export interface OutcomeInput extends ResumeTarget {
  readonly outcome: 'ASSOCIATED' | 'FAILED' | 'SKIPPED';
  readonly continuedFromContactId?: string;
  /** Step Functions error output: `{ Error, Cause }`, or a plain reason. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
  readonly reason?: string;
  /**
   * Present when RecordOutcome runs again because PublishOutcome failed after its retries (the
   * Step Functions error output): the ledger notes that the outcome event is missing.
   */
  readonly publishError?: { readonly Error?: string; readonly Cause?: string };
}

export interface OutcomeResult {
  readonly detailType: string;
  readonly detail: Resumption;
}

/** RecordOutcome: the ledger transition, plus the continuation edge in the lineage on success. */
export async function recordOutcome(deps: Deps, input: OutcomeInput): Promise<OutcomeResult> {
  const { store } = deps;
  const target = { instanceId: input.instanceId, contactId: input.contactId };
  const reason = input.reason ?? describeError(input.error);
  const outcome: Outcome =
    input.outcome === 'ASSOCIATED'
      ? compact({ status: 'ASSOCIATED' as const, continuedFromContactId: input.continuedFromContactId })
      : { status: input.outcome, reason };
  const record = await updateVersioned(
    () => store.getResumption(input.instanceId, input.contactId),
    (value, version) => store.putResumption(value, version),
    (current) => {
      const applied = applyOutcome(target, current, outcome, deps.now());
      const next = input.publishError ? { ...applied, publishError: describeError(input.publishError), updatedAt: deps.now().toISOString() } : applied;
      return next === current ? undefined : next;
    },
  );
  if (input.outcome === 'ASSOCIATED' && input.continuedFromContactId !== undefined) {
    await upsertSegment(store, {
      ...target,
      channel: 'CHAT',
      relatedContactId: input.continuedFromContactId,
      eventTypes: [],
    });
  }
  const detail = record ?? (await store.getResumption(input.instanceId, input.contactId))?.value;
  if (!detail) throw new Error(`resumption ${input.instanceId}/${input.contactId} vanished`);
  return { detailType: RESUMPTION_DETAIL_TYPES[input.outcome], detail };
}

function describeError(error: OutcomeInput['error']): string {
  if (!error) return 'unknown';
  const cause = parseCause(error.Cause);
  return [error.Error, cause].filter(Boolean).join(': ');
}

/** Step Functions wraps a task's error message in a JSON Cause; show the message itself. */
function parseCause(cause: string | undefined): string | undefined {
  if (cause === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      const msg = o['errorMessage'] ?? o['message'] ?? o['Message'];
      if (typeof msg === 'string') return msg;
    }
  } catch {
    /* not JSON: use it as it is */
  }
  return cause;
}

/** Counts one CreatePersistentContactAssociation call against the contact's ledger record. */
export async function countAssociationAttempt(deps: Deps, target: ResumeTarget): Promise<void> {
  await updateVersioned(
    () => deps.store.getResumption(target.instanceId, target.contactId),
    (value, version) => deps.store.putResumption(value, version),
    (current) => (current ? { ...current, attempts: current.attempts + 1, updatedAt: deps.now().toISOString() } : undefined),
  );
}

export interface DescribedContactsInput extends ResumeTarget {
  /** The DescribeContact answers, one per contact asked about: `{ Contact }`, or `{}` when not found. */
  readonly described: readonly unknown[];
}

/**
 * RecordDescribedContacts: merges what DescribeContact said into the lineage (the same join as
 * events, so it never undoes what events recorded) and marks the return's gaps as filled, so the
 * planner asks only once. An answer that does not parse is kept in the rejected store.
 */
export async function recordDescribedContacts(deps: Deps, input: DescribedContactsInput): Promise<{ readonly recorded: number }> {
  const at = deps.now().toISOString();
  let recorded = 0;
  for (const item of input.described) {
    const contact = (item as { Contact?: unknown } | null)?.Contact;
    if (contact === undefined) continue;
    const parsed = describedContactSchema.safeParse(contact);
    if (!parsed.success) {
      const reason = describeIssues(parsed.error, '(contact)');
      await deps.store.putRejected({ receivedAt: at, reason, event: contact, origin: `DescribeContact for the return of ${input.contactId}` });
      continue;
    }
    await upsertSegment(deps.store, segmentFromDescribedContact(input.instanceId, parsed.data));
    recorded++;
  }
  await updateVersioned(
    () => deps.store.getIntent(input.instanceId, input.contactId),
    (value, version) => deps.store.putIntent(value, version),
    (current) => (current && current.gapsDescribedAt === undefined ? { ...current, gapsDescribedAt: at } : undefined),
  );
  return { recorded };
}
