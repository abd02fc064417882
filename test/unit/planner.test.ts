import { PastSessionNotReadyError } from '../../core/errors';
import { deriveClientToken } from '../../core/identifiers';
import type { Segment } from '../../core/lineage';
import type { PlanDecision, PlanInput, PlannerConfig, ResumptionPlan } from '../../core/planner';
import { ceilToSecond, DEFAULT_PLANNER_CONFIG, planResumption } from '../../core/planner';
import type { ReturnIntent } from '../../core/returns';
import { C1, C2, C3, C9, CUSTOMER_ID, INSTANCE_ID, SEED_TIMES, seedSegments } from '../fixtures/contact-events';

const config: PlannerConfig = { defaultPolicy: 'auto', readinessDelaySeconds: 60, lateEventGraceSeconds: 5, gapFillAfterSeconds: 60 };
const DETECTED_AT = '2024-05-02T09:00:00.000Z';
const LATER = new Date('2024-05-02T10:00:00.000Z');

const intent = (fields: Partial<ReturnIntent> = {}): ReturnIntent => ({
  instanceId: INSTANCE_ID,
  contactId: C9,
  via: 'app',
  customerId: CUSTOMER_ID,
  detectedAt: DETECTED_AT,
  ...fields,
});

const newContact = (fields: Partial<Segment> = {}): Segment => ({
  instanceId: INSTANCE_ID,
  contactId: C9,
  channel: 'CHAT',
  initiationMethod: 'API',
  customerId: CUSTOMER_ID,
  initiatedAt: DETECTED_AT,
  eventTypes: ['INITIATED'],
  ...fields,
});

const plan = (input: Partial<PlanInput>): PlanDecision =>
  planResumption({ intent: intent(), newContact: newContact(), candidates: seedSegments(), now: LATER, config, ...input });

function associated(decision: PlanDecision): ResumptionPlan {
  if (decision.action !== 'associate') throw new Error(`expected associate, got ${JSON.stringify(decision)}`);
  return decision.plan;
}

/** The seed session without its post-chat survey C3. */
const withoutSurvey = (): Segment[] => seedSegments().filter((s) => s.contactId !== C3);

/** A segment still in progress: its disconnect has not been recorded. */
function active(s: Segment): Segment {
  const { disconnectedAt, ...rest } = s;
  return rest;
}

describe('Planner', () => {
  describe('planResumption', () => {
    describe('policy auto', () => {
      it('continues FROM_SEGMENT C2 when the session ends with a survey', () => {
        // Act
        const p = associated(plan({ intent: intent({ policy: 'auto' }) }));

        // Assess
        expect(p).toMatchObject({
          policy: 'auto',
          rehydrationType: 'FROM_SEGMENT',
          sourceContactId: C2,
          pastSessionId: C1,
          expectedContinuedFromContactId: C2,
        });
      });

      it('continues the ENTIRE_PAST_SESSION from C1 when there is no trailing survey', () => {
        const p = associated(plan({ intent: intent({ policy: 'auto' }), candidates: withoutSurvey() }));
        expect(p).toMatchObject({ rehydrationType: 'ENTIRE_PAST_SESSION', sourceContactId: C1, pastSessionId: C1, expectedContinuedFromContactId: C2 });
      });

      it('is the default policy when neither the intent nor the config names one', () => {
        const p = associated(plan({ config: { ...config, defaultPolicy: DEFAULT_PLANNER_CONFIG.defaultPolicy } }));
        expect(p).toMatchObject({ policy: 'auto', rehydrationType: 'FROM_SEGMENT', sourceContactId: C2 });
      });

      it('finds the survey whatever order the candidates come in', () => {
        const p = associated(plan({ candidates: [...seedSegments()].reverse() }));
        expect(p).toMatchObject({ rehydrationType: 'FROM_SEGMENT', sourceContactId: C2 });
      });
    });

    describe('policy entire-session', () => {
      it('continues the ENTIRE_PAST_SESSION from C1 and expects Connect to continue from C3', () => {
        const p = associated(plan({ intent: intent({ policy: 'entire-session' }) }));
        expect(p).toMatchObject({
          policy: 'entire-session',
          rehydrationType: 'ENTIRE_PAST_SESSION',
          sourceContactId: C1,
          pastSessionId: C1,
          expectedContinuedFromContactId: C3,
        });
      });

      it('applies when it is the configured default', () => {
        const p = associated(plan({ config: { ...config, defaultPolicy: 'entire-session' } }));
        expect(p).toMatchObject({ policy: 'entire-session', rehydrationType: 'ENTIRE_PAST_SESSION', sourceContactId: C1 });
      });
    });

    describe('policy from-segment', () => {
      it('continues FROM_SEGMENT at the contact the app named', () => {
        const p = associated(plan({ intent: intent({ policy: 'from-segment', previousContactId: C2 }) }));
        expect(p).toMatchObject({ rehydrationType: 'FROM_SEGMENT', sourceContactId: C2, pastSessionId: C1, expectedContinuedFromContactId: C2 });
      });

      it('continues FROM_SEGMENT at the last segment when no contact is named', () => {
        const p = associated(plan({ intent: intent({ policy: 'from-segment' }) }));
        expect(p).toMatchObject({ rehydrationType: 'FROM_SEGMENT', sourceContactId: C3 });
      });
    });

    describe('when there is nothing to resume', () => {
      it('waits (retryable) for a customer with no past session yet: its events may be late', () => {
        expect(() => plan({ candidates: [newContact()] })).toThrow(PastSessionNotReadyError);
        expect(() => plan({ candidates: [newContact()] })).toThrow(`customer ${CUSTOMER_ID} has no past session in the lineage yet`);
      });

      it('skips a contact that is already persistent', () => {
        const decision = plan({ newContact: newContact({ relatedContactId: C2 }) });
        expect(decision).toEqual({ action: 'skip', reason: `contact ${C9} is already persistent (relatedContactId ${C2})` });
      });

      it('skips a new contact that is not a chat', () => {
        const decision = plan({ newContact: newContact({ channel: 'VOICE' }) });
        expect(decision).toEqual({ action: 'skip', reason: `contact ${C9} is VOICE, persistent chat is chat-only` });
      });

      it('skips a past session that has a non-chat segment', () => {
        const candidates = seedSegments().map((s) => (s.contactId === C2 ? { ...s, channel: 'VOICE' } : s));
        const decision = plan({ candidates });
        expect(decision).toEqual({ action: 'skip', reason: `past session ${C1} has a VOICE segment ${C2}` });
      });

      it('skips a named contact that belongs to the returning contact’s own session', () => {
        // Prepare: C10 is a transfer of the new chat C9; the app names C9 as the past contact of C10
        const c10 = newContact({ contactId: 'C10', initiationMethod: 'TRANSFER', initialContactId: C9, previousContactId: C9 });
        const c9 = { ...newContact(), disconnectedAt: DETECTED_AT };

        // Act
        const decision = plan({ intent: intent({ contactId: 'C10', previousContactId: C9 }), newContact: c10, candidates: [c9, c10] });

        // Assess
        expect(decision).toEqual({ action: 'skip', reason: `past contact ${C9} is in the returning contact's own session` });
      });
    });

    describe('when the past session is not ready', () => {
      // These returns already had their one gap fill: not-ready is an error the workflow retries.
      const filled = (fields: Partial<ReturnIntent> = {}) => intent({ gapsDescribedAt: DETECTED_AT, ...fields });

      it('throws PastSessionNotReadyError while a segment of the named session is active', () => {
        const candidates = seedSegments().map((s) => (s.contactId === C3 ? active(s) : s));
        expect(() => plan({ intent: filled({ previousContactId: C2 }), candidates })).toThrow(PastSessionNotReadyError);
        expect(() => plan({ intent: filled({ previousContactId: C2 }), candidates })).toThrow(`past session ${C1} has not ended: segment ${C3} is active`);
      });

      it('throws PastSessionNotReadyError while the customer’s only past session is active', () => {
        const candidates = seedSegments().map((s) => (s.contactId === C3 ? active(s) : s));
        expect(() => plan({ intent: filled(), candidates })).toThrow(new PastSessionNotReadyError(`customer ${CUSTOMER_ID} has no ended past session yet`));
      });

      it('throws PastSessionNotReadyError for a named contact not in the lineage yet', () => {
        expect(() => plan({ intent: filled({ previousContactId: 'unknown-contact' }) })).toThrow(
          new PastSessionNotReadyError('past contact unknown-contact is not in the lineage yet'),
        );
      });

      it('throws an error the workflow retries (its name is the ErrorEquals string)', () => {
        const candidates = seedSegments().map(active);
        let thrown: unknown;
        try {
          plan({ intent: filled(), candidates });
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(PastSessionNotReadyError);
        expect(thrown).toMatchObject({ name: 'PastSessionNotReadyError', retryable: true });
      });

      it('keeps retrying, without DescribeContact, during the first gapFillAfterSeconds after the return', () => {
        const candidates = seedSegments().map((s) => (s.contactId === C3 ? active(s) : s));
        const soon = new Date(Date.parse(DETECTED_AT) + 59_000);
        expect(() => plan({ intent: intent({ previousContactId: C2 }), candidates, now: soon })).toThrow(PastSessionNotReadyError);
      });
    });

    describe('when events were lost (gap fill with DescribeContact)', () => {
      it('asks to describe the segments that never ended, once the gap-fill delay has passed', () => {
        const candidates = seedSegments().map((s) => (s.contactId === C3 ? active(s) : s));
        expect(plan({ intent: intent({ previousContactId: C2 }), candidates })).toEqual({ action: 'describe', contactIds: [C3] });
      });

      it('asks to describe a named contact the lineage has never seen', () => {
        expect(plan({ intent: intent({ previousContactId: 'lost-contact' }) })).toEqual({ action: 'describe', contactIds: ['lost-contact'] });
      });

      it('asks to describe previous contacts a known segment names but the lineage lacks', () => {
        const candidates = seedSegments().filter((s) => s.contactId !== C2).map((s) => (s.contactId === C3 ? active(s) : s));
        expect(plan({ candidates })).toEqual({ action: 'describe', contactIds: [C2, C3].sort() });
      });

      it('asks only once: after the fill, not-ready is retried and then skipped by the workflow', () => {
        const candidates = seedSegments().map((s) => (s.contactId === C3 ? active(s) : s));
        expect(() => plan({ intent: intent({ previousContactId: C2, gapsDescribedAt: LATER.toISOString() }), candidates })).toThrow(PastSessionNotReadyError);
      });

      it('has nothing to describe for a customer with no known session, and keeps waiting', () => {
        expect(() => plan({ candidates: [newContact()] })).toThrow(PastSessionNotReadyError);
      });
    });

    describe('timing', () => {
      const lastEnd = Date.parse(SEED_TIMES.c3Disconnected);

      it('plans at once and folds transcript readiness after the last disconnect into notBefore', () => {
        // Prepare: the return is detected right after the survey ends
        const detectedAt = new Date(lastEnd + 2_000).toISOString();
        const readyAt = new Date(Math.ceil((lastEnd + 60_000) / 1000) * 1000).toISOString();
        const returning = intent({ detectedAt });

        // Act
        const early = plan({ intent: returning, now: new Date(lastEnd + 2_000) });
        const onTime = plan({ intent: returning, now: new Date(readyAt) });

        // Assess: the same plan whenever it is made, to go once the transcripts are ready
        expect(associated(early).notBefore).toBe(readyAt);
        expect(associated(onTime)).toEqual(associated(early));
      });

      it('folds the late-event grace after detection into notBefore when the session ended long ago', () => {
        // Prepare
        const detectedAt = '2024-05-02T09:00:00.000Z';
        const graceEnd = '2024-05-02T09:00:05.000Z';

        // Act
        const early = plan({ intent: intent({ detectedAt }), now: new Date(detectedAt) });

        // Assess
        expect(associated(early).notBefore).toBe(graceEnd);
      });

      it('rounds notBefore up to a whole second (a Wait Timestamp is read to the second)', () => {
        const detectedAt = '2024-05-02T09:00:00.250Z';
        const decision = plan({ intent: intent({ detectedAt }), now: new Date(detectedAt), config: { ...config, lateEventGraceSeconds: 0.3 } });
        expect(associated(decision).notBefore).toBe('2024-05-02T09:00:01.000Z');
        expect(ceilToSecond('2024-05-02T09:00:01.000Z')).toBe('2024-05-02T09:00:01.000Z');
        expect(ceilToSecond('2024-05-02T09:00:01.001Z')).toBe('2024-05-02T09:00:02.000Z');
      });

      it('takes its delays from the config', () => {
        const decision = plan({ intent: intent({ detectedAt: SEED_TIMES.c3Disconnected }), now: new Date(lastEnd), config: { ...config, readinessDelaySeconds: 30, lateEventGraceSeconds: 0 } });
        expect(associated(decision).notBefore).toBe(new Date(Math.ceil((lastEnd + 30_000) / 1000) * 1000).toISOString());
      });
    });

    describe('client token', () => {
      it('gives the same plan and ClientToken for the same inputs, whenever it is planned', () => {
        // Act
        const first = associated(plan({}));
        const again = associated(plan({ now: new Date('2024-06-01T00:00:00.000Z'), candidates: [...seedSegments()].reverse() }));

        // Assess
        expect(again).toEqual(first);
        expect(first.clientToken).toBe(
          deriveClientToken({ instanceId: INSTANCE_ID, contactId: C9, rehydrationType: 'FROM_SEGMENT', sourceContactId: C2 }),
        );
      });

      it('gives a different ClientToken for a different returning contact or source', () => {
        const base = associated(plan({})).clientToken;
        const otherContact = associated(plan({ intent: intent({ contactId: 'C99' }), newContact: newContact({ contactId: 'C99' }) })).clientToken;
        const otherSource = associated(plan({ intent: intent({ policy: 'entire-session' }) })).clientToken;
        expect(new Set([base, otherContact, otherSource]).size).toBe(3);
      });
    });

    describe('a customer with several sessions', () => {
      /** A one-segment session of the customer, ended at `end`. */
      const session = (id: string, end: string, fields: Partial<Segment> = {}): Segment => ({
        instanceId: INSTANCE_ID,
        contactId: id,
        channel: 'CHAT',
        initiationMethod: 'API',
        customerId: CUSTOMER_ID,
        initiatedAt: new Date(Date.parse(end) - 300_000).toISOString(),
        disconnectedAt: end,
        eventTypes: ['COMPLETED', 'DISCONNECTED', 'INITIATED'],
        ...fields,
      });

      it('picks the most recently ended session, whatever the candidates order', () => {
        // Prepare: S1 = the seed session (ended 10:17 on May 1st), S2 ended later, S0 earlier
        const s2 = session('S2', '2024-05-01T18:00:00.000Z');
        const s0 = session('S0', '2024-04-20T12:00:00.000Z');

        // Act
        const forward = associated(plan({ intent: intent({ policy: 'entire-session' }), candidates: [s0, ...seedSegments(), s2] }));
        const backward = associated(plan({ intent: intent({ policy: 'entire-session' }), candidates: [s2, ...seedSegments(), s0].reverse() }));

        // Assess
        expect(forward).toMatchObject({ pastSessionId: 'S2', sourceContactId: 'S2' });
        expect(backward).toEqual(forward);
      });

      it('waits while the latest session before the new chat has not been seen to end (its end may be late or lost), not planning from an older one', () => {
        const s2 = active(session('S2', '2024-05-01T18:00:00.000Z'));
        expect(() => plan({ candidates: [s2, ...seedSegments()], now: new Date(Date.parse(DETECTED_AT) + 30_000) })).toThrow(
          `customer ${CUSTOMER_ID}'s latest past session S2 has not been seen to end: segment S2 is active (its end may be late or lost)`,
        );
        // After the gap-fill delay: DescribeContact is asked about S2.
        expect(plan({ candidates: [s2, ...seedSegments()] })).toEqual({ action: 'describe', contactIds: ['S2'] });
      });

      it('takes the latest ended session once the gaps were described and the newer one is still active', () => {
        const s2 = active(session('S2', '2024-05-01T18:00:00.000Z'));
        const p = associated(plan({ intent: intent({ gapsDescribedAt: LATER.toISOString() }), candidates: [s2, ...seedSegments()] }));
        expect(p).toMatchObject({ pastSessionId: C1, sourceContactId: C2 });
      });

      it('does not wait for an active session that started after the new chat (a later return of the customer)', () => {
        const later = active(session('S3', '2024-05-02T09:30:00.000Z'));
        expect(associated(plan({ candidates: [later, ...seedSegments()] }))).toMatchObject({ pastSessionId: C1 });
      });

      it('excludes the returning contact’s own session, even when it ended last', () => {
        // Prepare: C10 transfers the new chat C9, which has ended; the customer returns on C10
        const c9 = session(C9, '2024-05-02T09:10:00.000Z');
        const c10 = newContact({ contactId: 'C10', initiationMethod: 'TRANSFER', initialContactId: C9, previousContactId: C9 });

        // Act
        const p = associated(plan({ intent: intent({ contactId: 'C10' }), newContact: c10, candidates: [...seedSegments(), c9] }));

        // Assess
        expect(p).toMatchObject({ pastSessionId: C1, sourceContactId: C2 });
      });

      it('excludes the returning contact itself when its own events are not recorded yet', () => {
        const ownEnded = session(C9, '2024-05-02T09:10:00.000Z');
        const p = associated(plan({ newContact: undefined, candidates: [...seedSegments(), ownEnded] }));
        expect(p).toMatchObject({ pastSessionId: C1 });
      });
    });
  });
});
