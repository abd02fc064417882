/**
 * planStep's turn in the Connect call budget: the slot it hands out, the two ways a return is
 * SKIPPED without a Connect call, throttle rounds (AIMD, then FAILED), the budget off, gap fill's
 * own DescribeContact budget.
 */
import type { BudgetConfig } from '../../core/budget';
import { BUDGET_KEYS, DEFAULT_BUDGET_CONFIG } from '../../core/budget';
import type { PlannerConfig } from '../../core/planner';
import type { PlanStepDeps } from '../../core/use-cases';
import { countAssociationAttempt, planStep, recordContactEvent, recordDescribedContacts } from '../../core/use-cases';
import { SqliteStore } from '../../local/store/sqlite-store';
import { C2, C9, contactEvent, customerReturned, newChatInitiated, seedEvents } from '../fixtures/contact-events';

const config: PlannerConfig = { defaultPolicy: 'auto', readinessDelaySeconds: 60, lateEventGraceSeconds: 5, gapFillAfterSeconds: 60 };
const READY = new Date('2024-05-02T09:00:30.000Z');
const budget: BudgetConfig = { ...DEFAULT_BUDGET_CONFIG, association: { ratePerSecond: 2, burst: 1 }, maxWaitSeconds: 10, maxThrottleRounds: 2 };

describe('planStep: a turn in the Connect call budget', () => {
  let store: SqliteStore;
  let now: Date;
  let deps: PlanStepDeps;
  const target = (contactId: string) => ({ instanceId: seedEvents()[0]?.detail.instanceArn.split('/')[1] as string, contactId });

  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    now = new Date('2024-05-02T09:00:01.000Z');
    deps = { store, now: () => now, config, budget, random: () => 1 };
    for (const e of seedEvents()) await recordContactEvent(deps, e);
  });
  afterEach(() => store.close());

  async function returnOf(contactId: string): Promise<void> {
    await recordContactEvent(deps, customerReturned({ contactId, previousContactId: C2, id: `app-${contactId}` }));
  }

  it('hands each ready return the next slot, 1/rate apart, in the order they take their turn (up to the whole second a Wait Timestamp is read to)', async () => {
    for (const c of ['N1', 'N2', 'N3']) await returnOf(c);
    now = READY;
    const slots = [];
    for (const c of ['N1', 'N2', 'N3']) slots.push(await planStep(deps, target(c)));
    expect(slots.map((s) => (s.plan.action === 'associate' ? s.plan.slotAt : s.plan.action))).toEqual([
      '2024-05-02T09:00:30.000Z',
      '2024-05-02T09:00:31.000Z', // 30.5 s: never before its slot
      '2024-05-02T09:00:31.000Z',
    ]);
    expect((await store.getBudget(BUDGET_KEYS.association))?.reservations).toBe(3);
  });

  it('plans a return as soon as it is detected and reserves its turn from notBefore on (the late-event grace folded in)', async () => {
    await returnOf('N1');
    const result = await planStep(deps, target('N1'));
    // detected at 09:00:01, grace 5 s: no wait-and-plan-again, the slot itself is after the grace
    expect(result.plan).toMatchObject({ action: 'associate', plan: { notBefore: '2024-05-02T09:00:06.000Z' }, slotAt: '2024-05-02T09:00:06.000Z' });
  });

  it('skips a return whose new chat has already ended, without reserving a slot', async () => {
    await returnOf(C9);
    await recordContactEvent(deps, newChatInitiated());
    await recordContactEvent(deps, contactEvent({ eventType: 'DISCONNECTED', contactId: C9, time: '2024-05-02T09:00:20Z', disconnectTimestamp: '2024-05-02T09:00:20.000Z' }));
    now = READY;
    const result = await planStep(deps, target(C9));
    expect(result.plan).toEqual({ action: 'skip', reason: `new chat ${C9} ended (DISCONNECTED at 2024-05-02T09:00:20.000Z) before its turn to be associated` });
    expect(await store.getBudget(BUDGET_KEYS.association)).toBeUndefined();
  });

  it('skips (not FAILED) a return whose new chat ended while it waited for its slot: ConfirmTurn makes no call', async () => {
    await returnOf(C9);
    await recordContactEvent(deps, newChatInitiated());
    now = READY;
    expect((await planStep(deps, target(C9))).plan).toMatchObject({ action: 'associate' });
    await recordContactEvent(deps, contactEvent({ eventType: 'DISCONNECTED', contactId: C9, time: '2024-05-02T09:00:30Z', disconnectTimestamp: '2024-05-02T09:00:30.200Z' }));
    now = new Date(READY.getTime() + 1000);
    const confirmed = await planStep(deps, { ...target(C9), confirm: true });
    expect(confirmed.plan).toEqual({
      action: 'skip',
      reason: `new chat ${C9} ended (DISCONNECTED at 2024-05-02T09:00:30.200Z) while it waited for its turn to be associated; no Connect call was made`,
    });
  });

  it('after a call was made (it may have committed and lost its response), a new chat that ended is not SKIPPED: the same plan goes again', async () => {
    await returnOf(C9);
    await recordContactEvent(deps, newChatInitiated());
    now = READY;
    const planned = await planStep(deps, target(C9));
    expect(planned.plan).toMatchObject({ action: 'associate' });
    await countAssociationAttempt(deps, target(C9));
    await recordContactEvent(deps, contactEvent({ eventType: 'DISCONNECTED', contactId: C9, time: '2024-05-02T09:00:30Z', disconnectTimestamp: '2024-05-02T09:00:30.200Z' }));
    now = new Date(READY.getTime() + 1000);
    const confirmed = await planStep(deps, { ...target(C9), confirm: true });
    expect(confirmed.plan).toMatchObject({ action: 'associate', plan: planned.plan.action === 'associate' ? planned.plan.plan : {} });
    const afterThrottle = await planStep(deps, { ...target(C9), throttled: true });
    expect(afterThrottle.plan).toMatchObject({ action: 'associate' });
  });

  it('confirms the stored plan unchanged when the slot comes and nothing changed', async () => {
    await returnOf('N1');
    now = READY;
    const planned = await planStep(deps, target('N1'));
    const confirmed = await planStep(deps, { ...target('N1'), confirm: true });
    expect(confirmed.plan).toMatchObject({ action: 'associate', plan: planned.plan.action === 'associate' ? planned.plan.plan : {} });
  });

  it('skips a return whose turn is further away than the wait limit, and leaves the budget to the others', async () => {
    const ids = Array.from({ length: 22 }, (_, i) => `N${i}`);
    for (const c of ids) await returnOf(c);
    now = READY;
    const plans = [];
    for (const c of ids) plans.push((await planStep(deps, target(c))).plan);
    expect(plans.slice(0, 21).every((p) => p.action === 'associate')).toBe(true);
    expect(plans[21]).toEqual({ action: 'skip', reason: 'would wait 11 s for its turn in the CreatePersistentContactAssociation budget (2/s), over the limit of 10 s' });
    expect((await store.getBudget(BUDGET_KEYS.association))?.reservations).toBe(21);
  });

  it('after a throttle slows the budget and gives a new slot; once the rounds are used up it asks to verify; unverified, the ledger says FAILED and ConnectThrottledError; a redrive plans it again with its rounds anew', async () => {
    await returnOf('N1');
    now = READY;
    await planStep(deps, target('N1'));
    const again = await planStep(deps, { ...target('N1'), throttled: true });
    expect(again.plan).toMatchObject({ action: 'associate', slotAt: '2024-05-02T09:00:31.000Z' });
    const state = await store.getBudget(BUDGET_KEYS.association);
    expect(state?.factor).toBeCloseTo(0.7);
    expect(state?.throttles).toEqual([READY.getTime()]);
    await planStep(deps, { ...target('N1'), throttled: true });
    // Rounds used up: nothing is recorded as FAILED before DescribeContact was asked (an earlier call may have committed).
    const verify = (await planStep(deps, { ...target('N1'), throttled: true })).plan;
    expect(verify).toEqual({ action: 'verify', failure: { error: 'ConnectThrottledError', message: expect.stringMatching(/^CreatePersistentContactAssociation for N1 was still throttled after 2 throttled rounds .*redrive/) } });
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value?.status).toBe('PLANNED');
    if (verify.action !== 'verify') throw new Error('expected verify');
    // DescribeContact showed no association: RecordConnectFailure.
    await expect(planStep(deps, { ...target('N1'), connectFailure: verify.failure })).rejects.toMatchObject({ name: 'ConnectThrottledError', message: verify.failure.message });
    const failed = (await store.getResumption(target('N1').instanceId, 'N1'))?.value;
    expect(failed).toMatchObject({ status: 'FAILED', throttleRounds: 0, reason: `ConnectThrottledError: ${verify.failure.message}` });
    const factor = (await store.getBudget(BUDGET_KEYS.association))?.factor;
    // The redrive runs RecordConnectFailure again: PLANNED again, a new turn (no throttle counted), the same plan.
    expect((await planStep(deps, { ...target('N1'), connectFailure: verify.failure })).plan).toMatchObject({ action: 'associate', plan: failed?.plan });
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value).toMatchObject({ status: 'PLANNED', throttleRounds: 0, plan: failed?.plan });
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value?.reason).toBeUndefined();
    expect((await store.getBudget(BUDGET_KEYS.association))?.factor).toBe(factor);
    // Throttled again after the redrive: counted as rounds again, not taken for another redrive.
    await planStep(deps, { ...target('N1'), throttled: true });
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value).toMatchObject({ status: 'PLANNED', throttleRounds: 1 });
  });

  it('asks to verify when Connect\'s transient errors outlast the retries; unverified, FAILED with Connect\'s answer (ConnectUnavailableError); a redrive plans it again', async () => {
    await returnOf('N1');
    now = READY;
    const first = await planStep(deps, target('N1'));
    const unavailable = { Error: 'Connect.InternalServiceException', Cause: 'We encountered an internal error. Please try again.' };
    const message = "CreatePersistentContactAssociation for N1 still failed after the Associate state's retries (Connect.InternalServiceException: We encountered an internal error. Please try again.); redrive the execution to try again with the same ClientToken";
    expect((await planStep(deps, { ...target('N1'), unavailable })).plan).toEqual({ action: 'verify', failure: { error: 'ConnectUnavailableError', message } });
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value?.status).toBe('PLANNED');
    const connectFailure = { error: 'ConnectUnavailableError', message } as const;
    await expect(planStep(deps, { ...target('N1'), connectFailure })).rejects.toMatchObject({ name: 'ConnectUnavailableError' });
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value).toMatchObject({ status: 'FAILED', reason: `ConnectUnavailableError: ${message}` });
    const again = await planStep(deps, { ...target('N1'), connectFailure });
    expect(again.plan).toMatchObject({ action: 'associate' });
    expect(again.plan.action === 'associate' && first.plan.action === 'associate' && again.plan.plan.clientToken === first.plan.plan.clientToken).toBe(true);
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value?.status).toBe('PLANNED');
  });

  it('a redrive of an execution that failed under the earlier definition (at ReportThrottle or ReportConnectFailure, the ledger FAILED) plans it again', async () => {
    await returnOf('N1');
    now = READY;
    await planStep(deps, target('N1'));
    const failure = { error: 'ConnectUnavailableError', message: 'm' } as const;
    await expect(planStep(deps, { ...target('N1'), connectFailure: failure })).rejects.toMatchObject({ name: 'ConnectUnavailableError' });
    expect((await planStep(deps, { ...target('N1'), unavailable: { Error: 'Connect.InternalServiceException' } })).plan).toMatchObject({ action: 'associate' });
    await expect(planStep(deps, { ...target('N1'), connectFailure: failure })).rejects.toMatchObject({ name: 'ConnectUnavailableError' });
    expect((await planStep(deps, { ...target('N1'), throttled: true })).plan).toMatchObject({ action: 'associate' });
    expect((await store.getResumption(target('N1').instanceId, 'N1'))?.value?.status).toBe('PLANNED');
  });

  it('with the budget off: no reservation, the call goes now; after a throttle a full-jitter backoff', async () => {
    deps = { ...deps, budget: { ...budget, enabled: false } };
    await returnOf('N1');
    now = READY;
    expect((await planStep(deps, target('N1'))).plan).toMatchObject({ action: 'associate', slotAt: READY.toISOString() });
    expect((await planStep(deps, { ...target('N1'), throttled: true })).plan).toMatchObject({ slotAt: '2024-05-02T09:00:31.000Z' });
    expect(await store.getBudget(BUDGET_KEYS.association)).toBeUndefined();
  });

  it('FillGapsOrSkip: not ready through the retries before the gap-fill delay passed: describes the gaps now; once described, SKIPPED with the not-ready reason', async () => {
    await recordContactEvent(deps, customerReturned({ contactId: 'N1', previousContactId: 'LOST-1', id: 'app-lost' }));
    now = new Date('2024-05-02T09:00:20.000Z'); // 19 s after detection: the 60 s gap-fill delay has not passed
    await expect(planStep(deps, target('N1'))).rejects.toMatchObject({ name: 'PastSessionNotReadyError' });
    const notReady = { Error: 'PastSessionNotReadyError', Cause: JSON.stringify({ errorType: 'PastSessionNotReadyError', errorMessage: 'past contact LOST-1 is not in the lineage yet' }) };
    expect((await planStep(deps, { ...target('N1'), notReady })).plan).toMatchObject({ action: 'describe', contactIds: ['LOST-1'] });
    await recordDescribedContacts(deps, { ...target('N1'), described: [{}] });
    expect((await planStep(deps, { ...target('N1'), notReady })).plan).toEqual({ action: 'skip', reason: 'PastSessionNotReadyError: past contact LOST-1 is not in the lineage yet' });
  });

  it('gives gap fill its DescribeContact calls slots from their own budget', async () => {
    deps = { ...deps, budget: { ...budget, describe: { ratePerSecond: 4, burst: 2 } } };
    await recordContactEvent(deps, customerReturned({ contactId: 'N1', previousContactId: 'LOST-1', id: 'app-lost' }));
    now = new Date('2024-05-02T09:02:00.000Z');
    const result = await planStep(deps, target('N1'));
    expect(result.plan).toEqual({ action: 'describe', contactIds: ['LOST-1'], items: [{ contactId: 'LOST-1', slotAt: now.toISOString() }] });
    expect((await store.getBudget(BUDGET_KEYS.describe))?.reservations).toBe(1);
    expect(await store.getBudget(BUDGET_KEYS.association)).toBeUndefined();
  });
});
