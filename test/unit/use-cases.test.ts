import fc from 'fast-check';
import { InvalidEventError } from '../../core/errors';
import { resumeExecutionName } from '../../core/identifiers';
import type { Segment } from '../../core/lineage';
import { segmentKind } from '../../core/lineage';
import type { PlannerConfig } from '../../core/planner';
import type { ContactEvent } from '../../core/schemas';
import type { Deps, PlanStepResult } from '../../core/use-cases';
import { planStep, recordContactEvent, recordOutcome, sameJson } from '../../core/use-cases';
import { SqliteStore } from '../../local/store/sqlite-store';
import {
  C1,
  C2,
  C3,
  C9,
  CUSTOMER_ID,
  INSTANCE_ID,
  customerReturned,
  expectedSeedSegments,
  newChatInitiated,
  seedEvents,
} from '../fixtures/contact-events';

const config: PlannerConfig = { defaultPolicy: 'auto', readinessDelaySeconds: 60, lateEventGraceSeconds: 5, gapFillAfterSeconds: 60 };
const RETURNED_AT = new Date('2024-05-02T09:00:01.000Z');
const target = { instanceId: INSTANCE_ID, contactId: C9 };

/** A clock the test moves by hand. */
function clock(start: Date): { now: () => Date; set: (d: Date) => void } {
  let current = start;
  return { now: () => current, set: (d) => (current = d) };
}

/** Everything the store holds, without versions (they count writes, which depend on arrival order). */
async function contents(store: SqliteStore): Promise<unknown> {
  const rows = (sql: string) => store.db.prepare(sql).all();
  return {
    segments: await store.listSegments(),
    processed: rows('SELECT key FROM processed_events ORDER BY key'),
    intents: rows('SELECT body FROM return_intents ORDER BY instance_id, contact_id'),
    resumptions: await store.listResumptions(),
    rejected: await store.listRejected(),
  };
}

async function recordAll(deps: Deps, events: readonly ContactEvent[]): Promise<void> {
  for (const e of events) await recordContactEvent(deps, e);
}

function associatePlan(result: PlanStepResult) {
  if (result.plan.action !== 'associate') throw new Error(`expected associate, got ${JSON.stringify(result.plan)}`);
  return result.plan.plan;
}

describe('Use cases', () => {
  let store: SqliteStore;
  let time: ReturnType<typeof clock>;
  let deps: Deps & { config: PlannerConfig };

  beforeEach(() => {
    store = new SqliteStore(':memory:');
    time = clock(RETURNED_AT);
    deps = { store, now: () => time.now(), config };
  });
  afterEach(() => store.close());

  describe('recordContactEvent', () => {
    it('gives identical store contents for the seed events in any order, with duplicates', async () => {
      // Prepare
      const reference = new SqliteStore(':memory:');
      await recordAll({ store: reference, now: () => RETURNED_AT }, seedEvents());
      const expected = await contents(reference);
      reference.close();
      const events = seedEvents();
      const arrivals = fc
        .array(fc.nat({ max: events.length - 1 }), { maxLength: events.length })
        .chain((dups) => {
          const order = [...events.keys(), ...dups];
          return fc.shuffledSubarray(order, { minLength: order.length, maxLength: order.length });
        });

      await fc.assert(
        fc.asyncProperty(arrivals, async (order) => {
          // Act
          const shuffled = new SqliteStore(':memory:');
          try {
            await recordAll({ store: shuffled, now: () => RETURNED_AT }, order.map((i) => events[i] as ContactEvent));

            // Assess
            expect(await contents(shuffled)).toEqual(expected);
          } finally {
            shuffled.close();
          }
        }),
        { numRuns: 30 },
      );
      const bySegment = (expected as { segments: Segment[] }).segments;
      expect(Object.fromEntries(bySegment.map((s) => [s.contactId, s]))).toEqual(expectedSeedSegments());
    });

    it('reports a repeated event as a duplicate', async () => {
      const [first] = seedEvents();
      expect(await recordContactEvent(deps, first)).toEqual({ outcome: 'recorded', resumes: [] });
      expect(await recordContactEvent(deps, first)).toEqual({ outcome: 'duplicate', resumes: [] });
    });

    it('detects a return from a CHAT INITIATED event with customerId and names the resume-chat execution', async () => {
      // Prepare
      await recordAll(deps, seedEvents());

      // Act
      const result = await recordContactEvent(deps, newChatInitiated());
      const again = await recordContactEvent(deps, newChatInitiated());

      // Assess
      const resume = { name: resumeExecutionName(INSTANCE_ID, C9), input: { instanceId: INSTANCE_ID, contactId: C9 } };
      expect(result).toEqual({ outcome: 'recorded', resumes: [resume] });
      expect(resume.name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      expect(again).toEqual({ outcome: 'duplicate', resumes: [resume] });
      expect((await store.getIntent(INSTANCE_ID, C9))?.value).toEqual({
        instanceId: INSTANCE_ID,
        contactId: C9,
        via: 'auto',
        customerId: CUSTOMER_ID,
        detectedAt: RETURNED_AT.toISOString(),
      });
    });

    it('does not detect a return while the customer has no ended past session', async () => {
      await recordAll(deps, seedEvents().filter((e) => e.detail.contactId !== C1 || e.detail.eventType === 'INITIATED'));
      expect(await recordContactEvent(deps, newChatInitiated())).toEqual({ outcome: 'recorded', resumes: [] });
      expect(await store.getIntent(INSTANCE_ID, C9)).toBeUndefined();
    });

    it('detects the return when the past session ends after the new chat was recorded (order-independent)', async () => {
      // Prepare: the new chat first, then the past session without its last end
      const isC1End = (e: ContactEvent) => e.detail.contactId === C1 && (e.detail.eventType === 'DISCONNECTED' || e.detail.eventType === 'COMPLETED');
      const ends = seedEvents().filter(isC1End);
      expect(await recordContactEvent(deps, newChatInitiated())).toEqual({ outcome: 'recorded', resumes: [] });
      await recordAll(deps, seedEvents().filter((e) => !isC1End(e)));
      expect(await store.getIntent(INSTANCE_ID, C9)).toBeUndefined();

      // Act: the past session's end arrives last
      const revealed = await recordContactEvent(deps, ends[0]);

      // Assess
      const resume = { name: resumeExecutionName(INSTANCE_ID, C9), input: { instanceId: INSTANCE_ID, contactId: C9 } };
      expect(revealed).toEqual({ outcome: 'recorded', resumes: [resume] });
      expect((await store.getIntent(INSTANCE_ID, C9))?.value).toMatchObject({ via: 'auto', customerId: CUSTOMER_ID });
    });

    it('stops re-revealing a return once its resumption is in the ledger', async () => {
      await recordAll(deps, seedEvents());
      await recordContactEvent(deps, newChatInitiated());
      await store.putResumption({ instanceId: INSTANCE_ID, contactId: C9, status: 'SKIPPED', attempts: 0, via: 'auto', reason: 'test', createdAt: RETURNED_AT.toISOString(), updatedAt: RETURNED_AT.toISOString() }, 0);
      const [c1End] = seedEvents().filter((e) => e.detail.contactId === C1 && e.detail.eventType === 'DISCONNECTED');
      expect(await recordContactEvent(deps, { ...c1End!, id: 'redelivered-end' })).toEqual({ outcome: 'duplicate', resumes: [] });
    });

    it('does not reveal a new chat that has already ended when the past session end arrives', async () => {
      const isC1End = (e: ContactEvent) => e.detail.contactId === C1 && (e.detail.eventType === 'DISCONNECTED' || e.detail.eventType === 'COMPLETED');
      const ends = seedEvents().filter(isC1End);
      await recordAll(deps, seedEvents().filter((e) => !isC1End(e)));
      await recordContactEvent(deps, newChatInitiated());
      const newEnd = newChatInitiated();
      await recordContactEvent(deps, { ...newEnd, id: 'c9-end', detail: { ...newEnd.detail, eventType: 'DISCONNECTED', disconnectTimestamp: newEnd.detail.initiationTimestamp } } as never);
      expect(await recordContactEvent(deps, ends[0])).toEqual({ outcome: 'recorded', resumes: [] });
    });

    it('stores a malformed event in the rejected store and throws InvalidEventError', async () => {
      // Prepare
      const malformed = { ...newChatInitiated(), detail: { ...newChatInitiated().detail, instanceArn: 'not-an-arn' } };

      // Act
      const act = recordContactEvent(deps, malformed, 'bus:rule-a');

      // Assess
      await expect(act).rejects.toThrow(InvalidEventError);
      expect(await store.listRejected()).toEqual([
        { receivedAt: RETURNED_AT.toISOString(), reason: 'detail.instanceArn: not a Connect instance ARN', event: malformed, origin: 'bus:rule-a' },
      ]);
      expect(await store.listSegments()).toEqual([]);
    });

    it('records an explicit return as an app intent that beats the automatic one', async () => {
      // Prepare
      await recordAll(deps, seedEvents());

      // Act
      const returned = await recordContactEvent(deps, customerReturned({ previousContactId: C2, rehydration: 'from-segment' }));
      time.set(new Date(RETURNED_AT.getTime() + 1_000));
      await recordContactEvent(deps, newChatInitiated());

      // Assess
      expect(returned.resumes.map((r) => r.name)).toEqual([resumeExecutionName(INSTANCE_ID, C9)]);
      expect((await store.getIntent(INSTANCE_ID, C9))?.value).toEqual({
        instanceId: INSTANCE_ID,
        contactId: C9,
        via: 'app',
        previousContactId: C2,
        policy: 'from-segment',
        detectedAt: RETURNED_AT.toISOString(),
      });
    });
  });

  describe('planStep', () => {
    it('plans an explicit return once; a second planStep returns the same stored plan', async () => {
      // Prepare
      await recordAll(deps, seedEvents());
      await recordContactEvent(deps, customerReturned({ previousContactId: C2 }));
      await recordContactEvent(deps, newChatInitiated());

      // Act
      const early = await planStep(deps, target);
      time.set(new Date(RETURNED_AT.getTime() + 10_000));
      const first = await planStep(deps, target);
      time.set(new Date(RETURNED_AT.getTime() + 3_600_000));
      const second = await planStep({ ...deps, config: { ...config, defaultPolicy: 'entire-session' } }, target);

      // Assess
      // Planned at once, to go after the late-event grace: the same plan as later.
      expect(early.plan).toMatchObject({ action: 'associate', plan: { notBefore: new Date(Math.ceil((RETURNED_AT.getTime() + 5_000) / 1000) * 1000).toISOString() } });
      expect(early.plan.action === 'associate' && Date.parse(early.plan.slotAt)).toBeGreaterThanOrEqual(RETURNED_AT.getTime() + 5_000);
      const plan = associatePlan(first);
      expect(plan).toMatchObject({ policy: 'auto', rehydrationType: 'FROM_SEGMENT', sourceContactId: C2, pastSessionId: C1 });
      expect(second.plan).toMatchObject({ action: 'associate', plan: first.plan.action === 'associate' ? first.plan.plan : {} });
      expect(associatePlan(second).clientToken).toBe(plan.clientToken);
      const stored = await store.getResumption(INSTANCE_ID, C9);
      expect(stored).toMatchObject({ version: 1, value: { status: 'PLANNED', via: 'app', plan } });
    });

    it('skips a contact for which no return was recorded', async () => {
      expect((await planStep(deps, target)).plan).toEqual({ action: 'skip', reason: `no return was recorded for contact ${C9}` });
    });

    it('throws PastSessionNotReadyError while the named past contact is not recorded', async () => {
      await recordContactEvent(deps, customerReturned({ previousContactId: C3 }));
      await expect(planStep(deps, target)).rejects.toMatchObject({ name: 'PastSessionNotReadyError' });
      expect(await store.getResumption(INSTANCE_ID, C9)).toBeUndefined();
    });
  });

  describe('recordOutcome', () => {
    async function planned(): Promise<void> {
      await recordAll(deps, seedEvents());
      await recordContactEvent(deps, customerReturned({ previousContactId: C2 }));
      await recordContactEvent(deps, newChatInitiated());
      time.set(new Date(RETURNED_AT.getTime() + 10_000));
      await planStep(deps, target);
    }

    it('ASSOCIATED sets the new contact’s relatedContactId in the lineage and closes the ledger', async () => {
      // Prepare
      await planned();

      // Act
      const result = await recordOutcome(deps, { ...target, outcome: 'ASSOCIATED', continuedFromContactId: C2 });

      // Assess
      expect(result.detailType).toBe('Chat Resumption Succeeded');
      expect(result.detail).toMatchObject({ status: 'ASSOCIATED', continuedFromContactId: C2 });
      const segment = (await store.getSegment(INSTANCE_ID, C9))?.value;
      expect(segment).toMatchObject({ contactId: C9, relatedContactId: C2, customerId: CUSTOMER_ID, eventTypes: ['INITIATED'] });
      expect(segmentKind(segment as Segment)).toBe('continuation');
      expect((await planStep(deps, target)).plan).toEqual({ action: 'done', status: 'ASSOCIATED' });
    });

    it('treats a repeated ASSOCIATED as a no-op', async () => {
      await planned();
      const first = await recordOutcome(deps, { ...target, outcome: 'ASSOCIATED', continuedFromContactId: C2 });
      time.set(new Date(RETURNED_AT.getTime() + 60_000));
      const second = await recordOutcome(deps, { ...target, outcome: 'ASSOCIATED', continuedFromContactId: C2 });
      expect(second).toEqual(first);
      expect((await store.getResumption(INSTANCE_ID, C9))?.version).toBe(2);
    });

    it('FAILED keeps the error message from the Step Functions Cause', async () => {
      await planned();
      const result = await recordOutcome(deps, {
        ...target,
        outcome: 'FAILED',
        error: { Error: 'Connect.InvalidRequestException', Cause: JSON.stringify({ errorMessage: 'contact is already persistent' }) },
      });
      expect(result.detailType).toBe('Chat Resumption Failed');
      expect(result.detail).toMatchObject({ status: 'FAILED', reason: 'Connect.InvalidRequestException: contact is already persistent' });
    });

    it('SKIPPED records a resumption that was never planned', async () => {
      const result = await recordOutcome(deps, { ...target, outcome: 'SKIPPED', reason: 'no past session' });
      expect(result).toEqual({
        detailType: 'Chat Resumption Skipped',
        detail: { ...target, status: 'SKIPPED', reason: 'no past session', attempts: 0, createdAt: RETURNED_AT.toISOString(), updatedAt: RETURNED_AT.toISOString() },
      });
    });
  });
});

describe('sameJson (whether a join changed the stored record)', () => {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  const text = (v: unknown): string => JSON.stringify(sorted(v));

  it('agrees with comparing the key-sorted JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(sameJson(a, b)).toBe(text(a) === text(b));
        expect(sameJson(a, JSON.parse(JSON.stringify(a)))).toBe(true);
      }),
    );
  });

  it.each([
    [{ a: 1, b: ['x'] }, { b: ['x'], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [['x', 'y'], ['y', 'x'], false],
    [{ 0: 'x' }, ['x'], false],
    [{ a: null }, { a: {} }, false],
  ])('%j vs %j → %s', (a, b, same) => expect(sameJson(a, b)).toBe(same));
});
